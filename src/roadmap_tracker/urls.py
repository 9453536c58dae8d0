"""Addresses that learners attach to roadmap items: validation, one canonical
spelling per link, and a guess at what kind of link it is.

A host in letters other than ASCII is kept as written (lowercased, NFKC) when each of its
labels keeps to one script, as ``пример.рф`` or ``例え.jp`` do (the Chinese, Japanese and
Korean mixes with Latin that Unicode's "highly restrictive" profile allows count as one).
A label that mixes scripts, like the Cyrillic ``а`` in ``аpple.com``, is how a look-alike
address is made: the host is kept, and shown, in its punycode form (``xn--pple-43d.com``),
and ``host_warning`` says so to whoever linked it. An invisible character in a host (a
zero-width space or joiner, a word joiner, a byte-order mark, a bidirectional control: any
Unicode format character) is refused, since no real host holds one. The rest of the address
is not touched: the terminal shows any control character in it written out.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from .errors import BadURL

__all__ = ["LINK_KINDS", "BadURL", "check_url", "host_warning", "infer_kind", "is_url", "normalize_url", "shown_url"]

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
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalize_url(text: str) -> str:
    """Return the canonical spelling of an http(s) address, or raise BadURL.

    Canonical means two spellings of one link compare equal: lowercase scheme
    and host, no default port, no trailing slash, no empty fragment. Path,
    query and fragment keep their case because servers may treat them so.
    A host that mixes scripts is spelled in punycode (see the module's docstring).
    """
    return _normalize(text)[0]


# An address none of the checks below refuses, and the common one: http(s), an ASCII host of
# letters, digits, dots and hyphens, a port from 1 to 9999 perhaps, then printable ASCII after a
# `/`, `?` or `#`. Matching it costs a tenth of reading the address in full.
# (Spelt without IGNORECASE, which lets the Kelvin sign match `k` and a long s match `s`.)
_PLAIN_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[1-9][0-9]{0,3})?(?:[/?#][!-~]*)?")


def check_url(text: str) -> None:
    """Raise BadURL when :func:`normalize_url` would; a plan's many addresses are checked this way."""
    if not _PLAIN_URL.fullmatch(text):
        _normalize(text)


def host_warning(text: str) -> str | None:
    """The warning for whoever links ``text`` when its host mixes scripts and is therefore
    kept and shown in punycode; None when it does not. Raises BadURL as normalize_url does."""
    return _normalize(text)[1]


def _normalize(text: str) -> tuple[str, str | None]:
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
    host, warning = _host(text, parts.netloc, host)

    netloc = host
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
    return out, warning


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


# --- hosts beyond ASCII ---------------------------------------------------

# The full stops IDNA reads as the dot between labels.
_DOTS = re.compile("[\u3002\uff0e\uff61]")
# What is left of a host in ASCII once it is mapped: letters, digits, hyphens, dots (and the
# underscore some real hosts have).
_HOST_ASCII = re.compile(r"[a-z0-9._-]")
# The first word of a letter's Unicode name is its script's name, but for these.
_SCRIPT_WORDS = {"CJK": "Han", "IDEOGRAPHIC": "Han", "KANGXI": "Han", "KATAKANA-HIRAGANA": None, "MODIFIER": None}
# Scripts one label may mix: Japanese, Chinese with Bopomofo, Korean, each with Latin.
_MIXES = (
    frozenset({"Latin", "Han", "Hiragana", "Katakana"}),
    frozenset({"Latin", "Han", "Bopomofo"}),
    frozenset({"Latin", "Han", "Hangul"}),
)


def _host(text: str, netloc: str, host: str) -> tuple[str, str | None]:
    """The canonical spelling of ``host`` and the warning it calls for, or raise BadURL."""
    if host.isascii() and netloc.isascii():
        return host.lower(), None
    hidden = next((ch for ch in netloc if unicodedata.category(ch) == "Cf"), None)
    if hidden is not None:
        name = unicodedata.name(hidden, "FORMAT CHARACTER")
        raise BadURL(
            f"{text!r} has a hidden character in its host (U+{ord(hidden):04X} {name}); "
            "no real address holds one, so type the host again"
        )
    if host.isascii():
        return host.lower(), None
    mapped = _mapped(host)
    # NFKC can turn a look-alike into ASCII no host holds (a fullwidth solidus into "/").
    if "[" in host or any(ch.isascii() and not _HOST_ASCII.match(ch) for ch in mapped):
        raise BadURL(f"{text!r} has a malformed host {host!r}; check it for typos")
    mixed = next((scripts for label in mapped.split(".") if (scripts := _mixed_scripts(label))), None)
    if mixed is None:
        return mapped, None
    ace = _ace(mapped)
    names = " and ".join([", ".join(mixed[:-1]), mixed[-1]] if len(mixed) > 2 else mixed)
    return ace, f"the address's host mixes {names} letters ({mapped}); it is kept and shown as {ace}"


def _mapped(host: str) -> str:
    """A host as IDNA reads it: compatibility forms folded (NFKC), lowercase, ideographic dots as dots."""
    return _DOTS.sub(".", unicodedata.normalize("NFKC", host)).lower()


def _script(ch: str) -> str | None:
    """The script of a letter, from its Unicode name; None for what every script uses."""
    if ch.isascii():
        return "Latin" if ch.isalpha() else None
    if not unicodedata.category(ch).startswith("L"):
        return None  # digits, combining marks, signs
    word = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return _SCRIPT_WORDS.get(word, word.title())


def _mixed_scripts(label: str) -> list[str] | None:
    """The scripts of ``label`` in order when it mixes them; None when it keeps to one."""
    scripts = {s for ch in label if (s := _script(ch))}
    if len(scripts) < 2 or any(scripts <= allowed for allowed in _MIXES):
        return None
    return sorted(scripts)


def _ace(host: str) -> str:
    """``host`` with each label beyond ASCII in its punycode (``xn--``) form."""
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii") for label in host.split(".")
    )


def shown_url(url: str) -> str:
    """``url`` as it is shown anywhere: a host that mixes scripts or holds an invisible
    character in its punycode form, the rest as stored.

    ``roadmap link`` stores such a host in punycode already; this keeps to the same rule for an
    address that reached the store or roadmap.yaml another way (a plan's url, a backup).
    """
    if url.isascii():
        return url
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return url
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    if host.isascii():
        return url
    mapped = _mapped(host)
    hidden = any(unicodedata.category(ch) == "Cf" for ch in mapped)
    if not hidden and not any(_mixed_scripts(label) for label in mapped.split(".")):
        return url
    return url.replace(netloc, f"{userinfo}{at}{_ace(mapped)}{colon}{port}", 1)


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
