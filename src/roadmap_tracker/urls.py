"""Addresses that learners attach to roadmap items: validation, one canonical
spelling per link, and a guess at what kind of link it is."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import BadURL

__all__ = ["LINK_KINDS", "BadURL", "infer_kind", "is_url", "normalize_url"]

LINK_KINDS = ("repo", "blog", "demo", "notebook", "kaggle", "paper", "video", "other")

_DEFAULT_PORTS = {"http": "80", "https": "443"}

# Two or more letters, so a Windows drive ("C:\notes") is never taken for a scheme.
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:")

# Something a person typed without a scheme that is clearly a web host, e.g.
# "www.example.com/x" or "example.org". Only then is "did you mean" offered;
# guessing for arbitrary words would suggest nonsense.
_BARE_HOST_RE = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?::\d+)?(?:[/?#].*)?")


def is_url(text: str) -> bool:
    """True when *text* reads as an address rather than a workspace path.

    Any scheme counts (even ``mailto:``), so that the CLI hands it to
    :func:`normalize_url` and the user gets the precise refusal instead of
    "no such file". ``www.`` counts too, for the same reason.
    """
    text = text.strip()
    return bool(_SCHEME_RE.match(text) or text.startswith("//") or text.lower().startswith("www."))


_SPACE = re.compile(r"\s")  # what str.isspace() calls a space, Unicode's included
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalize_url(text: str) -> str:
    """Return the canonical spelling of an http(s) address, or raise BadURL.

    Canonical means two spellings of one link compare equal: lowercase scheme
    and host, no default port, no trailing slash, no empty fragment. Path,
    query and fragment keep their case because servers may treat them so.
    """
    text = text.strip()
    if not text:
        raise BadURL("empty address; give a link starting with http:// or https://")
    if _SPACE.search(text):
        raise BadURL(f"{text!r} contains spaces")
    if _CONTROL.search(text):
        raise BadURL(f"{text!r} contains control characters")

    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unclosed "[" around an IPv6 host
        raise BadURL(f"{text!r} is not a valid address ({exc}); check it for typos") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        # urlsplit reads "example.com:8080" as scheme "example.com", so the
        # bare-host test looks at the text, not at what urlsplit made of it.
        bare = text[2:] if text.startswith("//") else text
        if "://" not in text and _BARE_HOST_RE.fullmatch(bare):
            raise BadURL(f"{text!r} is not an http(s) address; did you mean https://{bare}?")
        raise BadURL(f"{text!r} is not an http(s) address; links must start with http:// or https://")

    userinfo, _, hostport = parts.netloc.rpartition("@")
    host, port = _split_host_port(text, hostport)
    if not host:
        raise BadURL(f"{text!r} has no host")

    netloc = host.lower()
    if port and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    if ":" in userinfo:
        raise BadURL(f"{_without_password(text)!r} holds a password; a learning log is no place for one")
    if userinfo:
        netloc = f"{userinfo}@{netloc}"

    # rstrip rather than dropping one slash, so that normalising is idempotent.
    out = f"{scheme}://{netloc}{parts.path.rstrip('/')}"
    if parts.query:
        out += f"?{parts.query}"
    if parts.fragment:
        out += f"#{parts.fragment}"
    return out


def _without_password(text: str) -> str:
    """The address as it may be shown: its password replaced by ***."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", text, count=1)


def _split_host_port(text: str, hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):
        end = hostport.find("]")
        host, rest = hostport[: end + 1], hostport[end + 1 :]
        if rest and not rest.startswith(":"):
            raise BadURL(f"{text!r} has a malformed host {hostport!r}; check it for typos")
        port = rest[1:]
    else:
        host, _, port = hostport.partition(":")
        if ":" in port:
            raise BadURL(f"{text!r} has a malformed host {hostport!r}; check it for typos")
    if port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise BadURL(f"{text!r} has an invalid port {port!r}; use a number from 1 to 65535")
    # int() drops leading zeros so that ":0443" and ":443" agree.
    return host, str(int(port)) if port else ""


# --- kind inference -------------------------------------------------------

_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")

# First path segments on code hosts that are site pages, not owners; without
# this "github.com/features/actions" would look like a repository.
_CODE_HOST_PAGES = frozenset(
    [
        "about",
        "apps",
        "collections",
        "customer-stories",
        "enterprise",
        "events",
        "explore",
        "features",
        "issues",
        "join",
        "login",
        "marketplace",
        "notifications",
        "orgs",
        "pricing",
        "pulls",
        "search",
        "security",
        "settings",
        "site",
        "solutions",
        "sponsors",
        "topics",
        "trending",
        "users",
        "-",
        "help",
        "dashboard",
    ]
)

# Hugging Face puts models at /<user>/<name>; everything else has a prefix.
_HF_PAGES = frozenset(
    [
        "docs",
        "learn",
        "models",
        "settings",
        "login",
        "join",
        "pricing",
        "collections",
        "organizations",
        "tasks",
        "posts",
        "enterprise",
        "search",
    ]
)

# Platforms where every subdomain is someone's deployed app.
_DEMO_PLATFORMS = (
    "hf.space",
    "streamlit.app",
    "gradio.live",
    "vercel.app",
    "netlify.app",
    "herokuapp.com",
    "onrender.com",
    "fly.dev",
    "replit.app",
)
# Platforms where every subdomain is someone's blog.
_BLOG_PLATFORMS = (
    "medium.com",
    "substack.com",
    "hashnode.dev",
    "github.io",
    "gitlab.io",
    "wordpress.com",
    "blogspot.com",
)
_BLOG_SITES = ("medium.com", "dev.to", "hashnode.dev", "towardsdatascience.com")
_VIDEO_SITES = ("youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com")
_PAPER_SITES = (
    "openreview.net",
    "aclanthology.org",
    "doi.org",
    "proceedings.neurips.cc",
    "papers.nips.cc",
    "proceedings.mlr.press",
    "openaccess.thecvf.com",
)
_NOTEBOOK_SITES = (
    "colab.research.google.com",
    "nbviewer.org",
    "nbviewer.jupyter.org",
    "mybinder.org",
)


def _on(host: str, *domains: str) -> bool:
    """Host is one of *domains* or a subdomain of one (dot boundary, so
    evilgithub.com is not github.com)."""
    return any(host == d or host.endswith("." + d) for d in domains)


def _under(host: str, *domains: str) -> bool:
    """Host is a proper subdomain of one of *domains*."""
    return any(host.endswith("." + d) for d in domains)


def infer_kind(url: str) -> str:
    """Guess which of LINK_KINDS an address is; "other" when nothing fits.

    Raises BadURL for text that :func:`normalize_url` refuses.
    """
    parts = urlsplit(normalize_url(url))
    host = parts.hostname or ""
    if host.startswith("www."):
        host = host[4:]
    segments = [s for s in parts.path.split("/") if s]
    first = segments[0].lower() if segments else ""

    # Kaggle before the .ipynb rule: a Kaggle notebook is better filed with Kaggle.
    if _on(host, "kaggle.com"):
        return "kaggle"
    if parts.path.lower().endswith(".ipynb") or _on(host, *_NOTEBOOK_SITES):
        return "notebook"
    if _on(host, "gist.github.com"):
        return "repo"
    # Exact hosts: docs.github.com or api.github.com pages are not repositories.
    if host in _CODE_HOSTS:
        if len(segments) >= 2 and first not in _CODE_HOST_PAGES:
            return "repo"
        return "other"
    if host in ("huggingface.co", "hf.co"):
        return _huggingface_kind(first, segments)
    if _under(host, *_DEMO_PLATFORMS) or _on(host, "share.streamlit.io", "gradio.app"):
        return "demo"
    if _on(host, "arxiv.org"):
        return "paper" if first in {"abs", "pdf", "html"} and len(segments) >= 2 else "other"
    if _on(host, "paperswithcode.com"):
        return "paper" if first == "paper" and len(segments) >= 2 else "other"
    if _on(host, "semanticscholar.org"):
        return "paper" if first == "paper" else "other"
    if _on(host, *_PAPER_SITES):
        return "paper"
    if _on(host, *_VIDEO_SITES):
        return "video"
    if _on(host, *_BLOG_SITES) or _under(host, *_BLOG_PLATFORMS):
        return "blog"
    # A site's own blog ("blog.example.com", "example.com/blog/post") is
    # common enough for ML write-ups to be worth the guess.
    if host.startswith("blog.") or (first == "blog" and len(segments) >= 2):
        return "blog"
    return "other"


def _huggingface_kind(first: str, segments: list[str]) -> str:
    if first == "spaces":
        return "demo" if len(segments) >= 3 else "other"
    if first == "datasets":
        # Datasets are git repositories on the Hub just like models.
        return "repo" if len(segments) >= 3 else "other"
    if first == "papers":
        return "paper" if len(segments) >= 2 else "other"
    if first == "blog":
        return "blog" if len(segments) >= 2 else "other"
    if len(segments) >= 2 and first not in _HF_PAGES:
        return "repo"
    return "other"
