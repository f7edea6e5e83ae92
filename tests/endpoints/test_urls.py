"""Endpoint URLs: the form a seller's base URL must have, and its normalised spelling."""

from __future__ import annotations

import pytest

from tokenpit.endpoints import MAX_URL_CHARS, EndpointUrlError, validate_endpoint_url


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://api.example.com/v1", "https://api.example.com/v1"),
        ("HTTPS://API.Example.COM:443/v1/", "https://api.example.com/v1"),
        ("http://seller.example:80/v1", "http://seller.example/v1"),
        ("http://seller.example:8080", "http://seller.example:8080"),
        ("https://seller.example:/v1", "https://seller.example/v1"),
        ("https://8.8.8.8/openai/v1", "https://8.8.8.8/openai/v1"),
        ("http://[2001:4860:4860:0:0:0:0:8888]:8443/v1", "http://[2001:4860:4860::8888]:8443/v1"),
        ("http://[::FFFF:7f00:1]:8000/v1", "http://[::ffff:127.0.0.1]:8000/v1"),
        ("https://xn--bcher-kva.example/v1", "https://xn--bcher-kva.example/v1"),
        ("https://seller.example/a/%7Euser/v1", "https://seller.example/a/%7Euser/v1"),
        ("https://1st-seller.example/", "https://1st-seller.example"),
    ],
)
def test_a_good_url_comes_back_normalised(url: str, normalised: str) -> None:
    assert validate_endpoint_url(url) == normalised


@pytest.mark.parametrize(
    ("url", "part", "rule"),
    [
        ("ftp://seller.example/v1", "scheme", "scheme ftp is not allowed: use http or https"),
        ("file:///etc/passwd", "scheme", "scheme file is not allowed"),
        ("seller.example/v1", "scheme", "scheme (none) is not allowed"),
        ("https:/seller.example/v1", "host", "host missing"),
        ("https://", "host", "host missing"),
        ("https://:8443/v1", "host", "host missing"),
        ("https://user:pass@seller.example/v1", "userinfo", "user or password"),
        ("https://key@seller.example/v1", "userinfo", "send the endpoint's key as the credential"),
        ("https://seller.example/v1?api_key=1", "query", "query (?…) is not allowed"),
        ("https://seller.example/v1?", "query", "query (?…) is not allowed"),
        ("https://seller.example/v1#top", "fragment", "fragment (#…) is not allowed"),
        ("https://seller.example:0/v1", "port", "port 0 is not a number from 1 to 65535"),
        ("https://seller.example:65536/v1", "port", "port 65536 is not a number"),
        ("https://seller.example:https/v1", "port", "port https is not a number"),
        ("https://seller.example:+80/v1", "port", "port +80 is not a number"),
        ("https://2130706433/v1", "host", "host 2130706433 is not a canonical IPv4 address"),
        ("https://127.1/v1", "host", "host 127.1 is not a canonical IPv4 address"),
        ("https://0x7f.0.0.1/v1", "host", "host 0x7f.0.0.1 is not a canonical IPv4 address"),
        ("https://0177.0.0.1/v1", "host", "host 0177.0.0.1 is not a canonical IPv4 address"),
        ("https://1.2.3.4.5/v1", "host", "is not a canonical IPv4 address"),
        ("https://[fe80::1%25eth0]/v1", "host", "holds a zone id"),
        ("https://[::1/v1", "url", "is not a URL"),
        ("https://bad_host.example/v1", "host", "host bad_host.example is not a DNS name"),
        ("https://-lead.example/v1", "host", "is not a DNS name"),
        ("https://a..b/v1", "host", "is not a DNS name"),
        ("https://seller.example./v1", "host", "is not a DNS name"),
        (f"https://{'a' * 63}.{'b' * 63}.{'c' * 63}.{'d' * 63}/v1", "host", "at most 253"),
        ("https://sellér.example/v1", "url", "printable ASCII"),
        ("https://seller.example/v 1", "url", "without spaces"),
        ("https://seller.example/v1\t", "url", "printable ASCII"),
        ("https://seller.example/a\\b", "path", "path /a\\b holds a character"),
        ("https://seller.example/<script>", "path", "holds a character a URL path may not"),
        ("https://seller.example/%zz", "path", "percent-encoding"),
        (f"https://seller.example/{'a' * MAX_URL_CHARS}", "url", "at most 2,048 characters"),
    ],
)
def test_a_bad_url_is_refused_naming_its_part_and_the_rule(url: str, part: str, rule: str) -> None:
    with pytest.raises(EndpointUrlError) as raised:
        validate_endpoint_url(url)

    assert raised.value.part == part
    assert rule in str(raised.value)


def test_a_url_of_the_largest_size_is_accepted() -> None:
    prefix = "https://seller.example/"
    url = prefix + "a" * (MAX_URL_CHARS - len(prefix))

    assert validate_endpoint_url(url) == url
