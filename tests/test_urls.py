import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from roadmap_tracker.urls import LINK_KINDS as KINDS
from roadmap_tracker.urls import BadURL, check_url, infer_kind, is_url, normalize_url

KIND_CASES = [
    # repositories
    ("https://github.com/karpathy/nanoGPT", "repo"),
    ("https://www.github.com/karpathy/nanoGPT/", "repo"),
    ("https://github.com/huggingface/transformers/tree/main/src", "repo"),
    ("https://github.com/pytorch/pytorch/issues/1234", "repo"),
    ("https://gitlab.com/group/subgroup/project", "repo"),
    ("https://bitbucket.org/team/service", "repo"),
    ("https://codeberg.org/forgejo/forgejo", "repo"),
    ("https://gist.github.com/someone/4f5a1b2c3d", "repo"),
    ("https://huggingface.co/google-bert/bert-base-uncased", "repo"),
    ("https://huggingface.co/meta-llama/Llama-2-7b-hf", "repo"),
    ("https://huggingface.co/datasets/squad/squad", "repo"),
    # code hosts, but not a repository page
    ("https://github.com/karpathy", "other"),
    ("https://github.com/features/actions", "other"),
    ("https://docs.github.com/en/actions/quickstart", "other"),
    ("https://evilgithub.com/karpathy/nanoGPT", "other"),
    ("https://github.com.evil.example/karpathy/nanoGPT", "other"),
    # notebooks
    ("https://github.com/me/ml/blob/main/notebooks/eda.ipynb", "notebook"),
    ("https://gist.github.com/me/abc123/raw/analysis.ipynb", "notebook"),
    ("https://colab.research.google.com/drive/1AbCdEfG", "notebook"),
    ("https://nbviewer.org/github/me/ml/blob/main/eda.ipynb", "notebook"),
    ("https://example.com/files/Intro.IPYNB", "notebook"),
    # demos
    ("https://huggingface.co/spaces/me/sentiment-demo", "demo"),
    ("https://me-sentiment-demo.hf.space", "demo"),
    ("https://my-app.streamlit.app", "demo"),
    ("https://share.streamlit.io/me/app/main", "demo"),
    ("https://1234abcd.gradio.live", "demo"),
    ("https://gradio.app/demo", "demo"),
    ("https://ml-demo.vercel.app", "demo"),
    ("https://ml-demo.netlify.app/predict", "demo"),
    ("https://ml-demo.herokuapp.com", "demo"),
    ("https://ml-demo.onrender.com", "demo"),
    # kaggle
    ("https://www.kaggle.com/competitions/titanic", "kaggle"),
    ("https://www.kaggle.com/code/me/titanic-eda", "kaggle"),
    ("https://kaggle.com/datasets/me/cars", "kaggle"),
    # papers
    ("https://arxiv.org/abs/1706.03762", "paper"),
    ("https://arxiv.org/pdf/1706.03762v7", "paper"),
    ("https://arxiv.org/list/cs.LG/recent", "other"),
    ("https://openreview.net/forum?id=YicbFdNTTy", "paper"),
    ("https://aclanthology.org/N19-1423", "paper"),
    ("https://paperswithcode.com/paper/attention-is-all-you-need", "paper"),
    ("https://paperswithcode.com/sota", "other"),
    ("https://huggingface.co/papers/2307.09288", "paper"),
    # videos
    ("https://www.youtube.com/watch?v=kCc8FmEb1nY", "video"),
    ("https://youtu.be/kCc8FmEb1nY", "video"),
    ("https://m.youtube.com/watch?v=kCc8FmEb1nY", "video"),
    ("https://vimeo.com/123456789", "video"),
    # blogs
    ("https://medium.com/@me/my-first-model-1a2b3c", "blog"),
    ("https://me.medium.com/my-first-model-1a2b3c", "blog"),
    ("https://dev.to/me/training-a-cnn-4kd2", "blog"),
    ("https://me.substack.com/p/what-i-learned", "blog"),
    ("https://me.hashnode.dev/gradient-descent", "blog"),
    ("https://me.github.io/2024/01/05/transformers", "blog"),
    ("https://me.wordpress.com/2024/01/05/rnn", "blog"),
    ("https://me.blogspot.com/2024/01/rnn.html", "blog"),
    ("https://huggingface.co/blog/rlhf", "blog"),
    ("https://blog.example.com/posts/ml", "blog"),
    # nothing specific
    ("https://pytorch.org/docs/stable/nn.html", "other"),
    ("https://en.wikipedia.org/wiki/Backpropagation", "other"),
    ("https://vercel.app", "other"),
    ("https://HUGGINGFACE.co/docs/transformers/index", "other"),
]


@pytest.mark.parametrize(("url", "kind"), KIND_CASES)
def test_infer_kind(url, kind):
    assert infer_kind(url) == kind


def test_kind_table_is_large_and_valid():
    assert len(KIND_CASES) >= 40
    assert {kind for _, kind in KIND_CASES} == set(KINDS)


REFUSED = [
    ("ftp://x", "'ftp://x' is not an http(s) address; links must start with http:// or https://"),
    ("https://", "'https://' has no host"),
    ("http://exa mple.com", "'http://exa mple.com' contains spaces"),
    ("http://:8080/path", "'http://:8080/path' has no host"),
    (
        "javascript:alert(1)",
        "'javascript:alert(1)' is not an http(s) address; links must start with http:// or https://",
    ),
    (
        "mailto:me@example.com",
        "'mailto:me@example.com' is not an http(s) address; links must start with http:// or https://",
    ),
    (
        "file:///home/me/notes.md",
        "'file:///home/me/notes.md' is not an http(s) address; links must start with http:// or https://",
    ),
    ("notes", "'notes' is not an http(s) address; links must start with http:// or https://"),
    (
        "www.example.com",
        "'www.example.com' is not an http(s) address; did you mean https://www.example.com?",
    ),
    (
        "example.com/post/1",
        "'example.com/post/1' is not an http(s) address; did you mean https://example.com/post/1?",
    ),
    (
        "//example.com/x",
        "'//example.com/x' is not an http(s) address; did you mean https://example.com/x?",
    ),
    (
        "http://example.com:99999",
        "'http://example.com:99999' has an invalid port '99999'; use a number from 1 to 65535",
    ),
    (
        "http://example.com:port",
        "'http://example.com:port' has an invalid port 'port'; use a number from 1 to 65535",
    ),
    ("   ", "empty address; give a link starting with http:// or https://"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_refused(text, message):
    with pytest.raises(BadURL) as info:
        normalize_url(text)
    assert str(info.value) == message


def test_infer_kind_refuses_what_normalize_refuses():
    with pytest.raises(BadURL):
        infer_kind("javascript:alert(1)")


NORMALIZED = [
    ("  https://example.com/a  ", "https://example.com/a"),
    ("HTTPS://Example.COM/Path/To", "https://example.com/Path/To"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:443/a", "http://example.com:443/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("https://example.com/", "https://example.com"),
    ("https://example.com/a/b/", "https://example.com/a/b"),
    ("https://example.com/a/?q=Value", "https://example.com/a?q=Value"),
    ("https://example.com/a?", "https://example.com/a"),
    ("https://example.com/a#", "https://example.com/a"),
    ("https://example.com/a#Section-2", "https://example.com/a#Section-2"),
    ("https://example.com/a?x=1&y=2#top", "https://example.com/a?x=1&y=2#top"),
    ("https://Bücher.example/Ä", "https://bücher.example/Ä"),
    ("https://xn--bcher-kva.example/", "https://xn--bcher-kva.example"),
    ("http://[::1]:80/", "http://[::1]"),
    ("http://127.0.0.1:8000/x/", "http://127.0.0.1:8000/x"),
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZED)
def test_normalize(text, expected):
    assert normalize_url(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://GitHub.com/karpathy/nanoGPT/", "https://github.com:443/karpathy/nanoGPT#"),
        ("HTTP://example.com:80", "http://example.com/"),
    ],
)
def test_two_spellings_normalise_equal(a, b):
    assert normalize_url(a) == normalize_url(b)


def test_path_case_is_kept():
    assert normalize_url("https://x.com/A") != normalize_url("https://x.com/a")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com", True),
        ("HTTP://example.com", True),
        ("mailto:me@example.com", True),
        ("//example.com", True),
        ("www.example.com", True),
        ("notes/week-1.md", False),
        ("README.md", False),
        (r"C:\roadmap\notes.md", False),
        ("", False),
    ],
)
def test_is_url(text, expected):
    assert is_url(text) is expected


_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_LABEL = st.text(_ALNUM + "-", min_size=1, max_size=12)
_SAFE = _ALNUM + "-._~%/=&+:@!$'()*,;"


@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "Https"]),
    labels=st.lists(_LABEL, min_size=1, max_size=4),
    port=st.none() | st.integers(min_value=1, max_value=65535),
    path=st.text(_SAFE, max_size=30),
    query=st.none() | st.text(_SAFE + "?", max_size=20),
    fragment=st.none() | st.text(_SAFE + "?#", max_size=20),
)
def test_normalize_is_idempotent(scheme, labels, port, path, query, fragment):
    url = f"{scheme}://{'.'.join(labels)}"
    if port is not None:
        url += f":{port}"
    url += "/" + path
    if query is not None:
        url += "?" + query
    if fragment is not None:
        url += "#" + fragment
    once = normalize_url(url)
    assert normalize_url(once) == once


def _refused(check, text: str) -> str | None:
    try:
        check(text)
    except BadURL as exc:
        return str(exc)
    return None


# Near misses of a plain address: other schemes, odd hosts and ports, spaces, control characters,
# and letters that fold into ASCII under a case-blind match (the Kelvin sign, the long s).
_PIECES = [
    "http://", "https://", "HTTPS://", "ftp://", "//", "http:/", "example.com", "a", "-", ".", "_", "@",
    "user:pw@", "[::1]", ":", ":0", ":80", ":0443", ":65535", ":65536", ":99999", "/", "?", "#", " ", "\t",
    "\x00", "\x7f", "é", "\u212a", "\u017f", "\u200b", "%20", "~", "\\",
]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=8).map("".join))
@example("http\u017f://example.com/a")
@example("https://example.com:0/a")
@example("https://example.com:65536")
@example("https://user:pw@example.com/")
@example("https://exa mple.com/")
@example("https://example.com/a b")
def test_a_plan_s_address_is_checked_as_normalize_url_checks_it(text):
    """check_url (which reads a plan's many addresses) refuses exactly what normalize_url refuses, and says so
    in the same words."""
    assert _refused(check_url, text) == _refused(normalize_url, text)
