"""WeChat Work (企业微信) app messages through its HTTP API. The government edition (政务微信)
serves the same API on the federation's own host: settings.WECOM_BASE_URL says where.

    GET  {base}/cgi-bin/gettoken?corpid=…&corpsecret=…  → {errcode: 0, access_token, expires_in}
    POST {base}/cgi-bin/message/send?access_token=…      {touser, msgtype: "text", agentid,
                                                          text: {content}} → {errcode: 0}

The access token lives about two hours and the API limits how often one is asked for, so it is
kept in the shared cache (every process, the worker included) until shortly before it expires;
a token the API calls invalid or expired (40001, 40014, 42001) is replaced once and the message
sent again. Plain urllib: no dependency for two calls.
"""

import json
import logging
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# The token is invalid (40001, 40014) or expired (42001): ask for a new one, once.
TOKEN_REFUSED = {40001, 40014, 42001}
TIMEOUT_SECONDS = 10
# A token is kept this much shorter than it lives, so it is never used as it expires.
TOKEN_MARGIN_SECONDS = 300


class WeComError(Exception):
    """The API could not be reached or refused the call: worth trying again later."""


class WeComUnknownUser(WeComError):
    """The API does not know the account: trying again will not help."""


def configured() -> bool:
    return bool(settings.WECOM_CORP_ID and settings.WECOM_AGENT_ID and settings.WECOM_SECRET)


def _call(path: str, params: dict, body: dict | None = None) -> dict:
    url = f"{settings.WECOM_BASE_URL.rstrip('/')}{path}?{urlencode(params)}"
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = Request(url, data=data, method="GET" if body is None else "POST")
    if data is not None:
        request.add_header("Content-Type", "application/json; charset=utf-8")
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError) as error:  # unreachable, HTTP error, timeout, not JSON
        raise WeComError(f"{path}: {error}") from error


def _token_key() -> str:
    return f"wecom:token:{settings.WECOM_CORP_ID}:{settings.WECOM_AGENT_ID}"


def access_token(*, renew: bool = False) -> str:
    """The app's access token: the cached one, or a new one (then cached until it expires)."""
    if not renew and (token := cache.get(_token_key())):
        return token
    payload = _call(
        "/cgi-bin/gettoken",
        {"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET},
    )
    token = payload.get("access_token")
    if payload.get("errcode", 0) != 0 or not token:
        raise WeComError(f"gettoken: {payload.get('errcode')} {payload.get('errmsg', '')}")
    lifetime = int(payload.get("expires_in") or 7200)
    cache.set(_token_key(), token, max(lifetime - TOKEN_MARGIN_SECONDS, 60))
    return token


def send_text(userid: str, content: str) -> None:
    """A text message from the app to one member (their WeChat Work account)."""
    agent_id = settings.WECOM_AGENT_ID
    body = {
        "touser": userid,
        "msgtype": "text",
        "agentid": int(agent_id) if agent_id.isdigit() else agent_id,
        "text": {"content": content},
    }
    for renew in (False, True):
        payload = _call("/cgi-bin/message/send", {"access_token": access_token(renew=renew)}, body)
        errcode = payload.get("errcode", -1)
        if errcode == 0 and payload.get("invaliduser"):
            raise WeComUnknownUser(f"message/send: unknown account {userid!r}")
        if errcode == 0:
            return
        if errcode not in TOKEN_REFUSED:
            break
        logger.info("WeChat Work refused the access token (%s): asking for a new one", errcode)
    raise WeComError(f"message/send: {errcode} {payload.get('errmsg', '')}")
