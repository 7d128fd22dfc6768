"""The client encodes query parameters itself: the URL is the one requests would build."""

import pytest
import requests

from imports.clients.base import query_string

PARAMS = [
    [("partner_id", "1"), ("sign", "é ü/&=?+"), ("skipped", None)],
    [("item_id_list", "1,2,3"), ("timestamp", "1700000000"), ("item_id_list", "4")],
    {"many": ["1", "2"], "number": 3, "none": None},
    [("bytes", b"by tes"), ("int", 5)],
    [],
    None,
]


@pytest.mark.parametrize("params", PARAMS, ids=range(len(PARAMS)))
@pytest.mark.parametrize("url", ["http://127.0.0.1:9/api/v2/p", "http://127.0.0.1:9/p?q=1"])
def test_the_url_is_the_one_requests_builds(params, url):
    theirs = requests.Request("GET", url, params=params).prepare().url
    ours = requests.Request("GET", url, params=query_string(params)).prepare().url
    assert ours == theirs
