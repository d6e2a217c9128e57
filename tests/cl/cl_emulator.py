#!/usr/bin/env python3
"""A Commerce Layer emulator for coupongen's upload/pull tests: a real HTTP server on 127.0.0.1.

It follows the API as /work/shared/commercelayer*.md describe it (the facts, with their sources):
  POST /oauth/token               JSON body {grant_type, client_id, client_secret[, scope]} -> JWT,
                                  expires_in; bad client -> 401 invalid_client
  POST /api/imports               validated (attributes, types, <= 10,000 inputs); 201 pending
  GET  /api/imports/{id}          pending -> in_progress -> completed | interrupted (errors_log),
                                  one step per GET (--poll-steps)
  GET  /api/imports?filter[q][reference_eq]=R   lookup by reference
  GET  /api/coupons?filter[q][...]&sort=id&page[size]&page[number]   meta.record_count
  POST /api/exports, GET /api/exports/{id}      <= 10,000 records; a fresh attachment_url on each GET
  GET  /__attachments/{id}/{token}              gzipped JSON array; refused WITH an Authorization
                                                header (a pre-signed link) or with a stale token
Every API request needs a valid Bearer token, Accept: application/vnd.api+json and (with a body)
Content-Type: application/vnd.api+json. A request that breaks the rules is answered 4xx and listed
in /__control/stats "violations" (tests assert that list is empty). With --schema FILE (Commerce
Layer's OpenAPI 3.6.0 subset), import and export bodies are also validated against it.

Control (tests only): POST /__control/faults [{"method","path","action","times","seconds"}]
  action: 429 (the recorded THROTTLED body and headers), 500, 500-after-create (the import is
  created, the answer is a 500), drop-after-create (created, connection closed), 401 (INVALID_TOKEN:
  every token issued so far is revoked), delay (answer after `seconds`), drop (close, no answer).
POST /__control/refuse {"codes":[...], "replace": false}; POST /__control/coupons {"rule","promotion","prefix","count"};
GET /__control/stats. The process exits by itself after --lifetime seconds.
"""
import argparse
import base64
import gzip
import json
import os
import random
import re
import string
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.RLock()
ARGS = None
SCHEMA = None

RECORDED_429_BODY = '{\n    "errors": {\n        "title": "Too Many Requests",\n        "code": "THROTTLED",\n        "status": 429\n  }\n}'
RECORDED_429_HEADERS = {"X-Ratelimit-Limit": "100", "X-Ratelimit-Interval": "60", "X-Ratelimit-Remaining": "0",
                        "Retry-After": "0", "Content-Type": "application/json; charset=utf-8",
                        "Cache-Control": "no-cache"}
IMPORT_RESOURCE_TYPES = {"addresses", "tags", "price_lists", "line_items", "orders", "tax_categories", "skus",
                         "shipping_categories", "bundles", "sku_lists", "sku_list_items", "stock_items",
                         "stock_locations", "coupons", "customers", "customer_addresses", "customer_payment_sources",
                         "customer_subscriptions", "gift_cards", "line_item_options", "stock_transfers", "sku_options",
                         "prices", "price_tiers"}
IMPORT_ATTRIBUTES = {"resource_type", "format", "parent_resource_id", "inputs", "skip_errors", "reference",
                     "reference_origin", "metadata"}
# A coupon import input: flat attributes, relationships by <name>_id (commercelayer.md §1, §2).
COUPON_INPUT = {"code": str, "promotion_rule_id": str, "usage_limit": int, "customer_single_use": bool,
                "recipient_email": str, "expires_at": "datetime", "reference": str, "reference_origin": str,
                "metadata": dict, "_add_tags": str, "_remove_tags": str}
EXPORT_ATTRIBUTES = {"resource_type", "format", "filters", "fields", "includes", "dry_data", "reference",
                     "reference_origin", "metadata"}
COUPON_FILTERS = {"promotion_rule_id_eq", "promotion_rule_promotion_id_eq", "code_start", "code_eq", "id_gt",
                  "id_lteq", "id_lt", "id_gteq"}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")

STATE = {
    "tokens": {},          # token -> expiry (epoch seconds)
    "tokens_issued": 0,
    "imports": {},         # id -> import
    "imports_by_reference": {},
    "import_posts": 0,
    "coupons": {},         # id -> attributes
    "coupon_keys": {},     # (code, rule) -> id: the import's unique key
    "rules": {},           # rule id -> promotion id
    "refuse": set(),
    "exports": {},
    "faults": [],
    "violations": [],
    "attachment_auth_rejected": 0,
    "attachment_stale_rejected": 0,
    "requests": 0,
}


def new_id():
    return "".join(random.choice(string.ascii_letters) for _ in range(10))


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def violation(text):
    with LOCK:
        STATE["violations"].append(text)


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


# --- a small JSON Schema (OpenAPI 3.0) validator: type, enum, required, properties, items, $ref
def schema_errors(value, schema, path="body"):
    if schema is None:
        return []
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return schema_errors(value, SCHEMA["components"]["schemas"][name], path)
    errors = []
    t = schema.get("type")
    if value is None:
        return [] if schema.get("nullable") else ([path + " must not be null"] if t else [])
    checks = {"object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
              "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}
    if t in checks and not checks[t](value):
        return [path + " must be " + t]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(path + " must be one of " + str(schema["enum"]))
    if isinstance(value, dict):
        for r in schema.get("required", []):
            if r not in value:
                errors.append(path + " must have required property '" + r + "'")
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                errors += schema_errors(value[k], sub, path + "." + k)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value[:50]):  # the first items are enough to judge the shape
            errors += schema_errors(item, schema["items"], "%s[%d]" % (path, i))
    return errors


def openapi_errors(path, body):
    if SCHEMA is None:
        return []
    try:
        schema = SCHEMA["paths"][path]["post"]["requestBody"]["content"]["application/vnd.api+json"]["schema"]
    except KeyError:
        return []
    return ["openapi: " + e for e in schema_errors(body, schema)]


def import_errors(body):
    errs = []
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or data.get("type") != "imports":
        return ["data.type must be 'imports'"]
    attrs = data.get("attributes")
    if not isinstance(attrs, dict):
        return ["data.attributes must be an object"]
    for k in attrs:
        if k not in IMPORT_ATTRIBUTES:
            errs.append("data.attributes.%s is not an import attribute" % k)
    if attrs.get("resource_type") not in IMPORT_RESOURCE_TYPES:
        errs.append("data.attributes.resource_type is invalid")
    fmt = attrs.get("format", "json")
    if fmt not in ("json", "csv"):
        errs.append("data.attributes.format must be json or csv")
    for k in ("parent_resource_id", "reference", "reference_origin"):
        if k in attrs and not isinstance(attrs[k], str):
            errs.append("data.attributes.%s must be a string" % k)
    if "metadata" in attrs and not isinstance(attrs["metadata"], dict):
        errs.append("data.attributes.metadata must be an object")
    if "skip_errors" in attrs and not isinstance(attrs["skip_errors"], bool):
        errs.append("data.attributes.skip_errors must be a boolean")
    inputs = attrs.get("inputs")
    if fmt == "json":
        if not isinstance(inputs, list) or not inputs:
            return errs + ["data.attributes.inputs must be a non-empty array"]
        if len(inputs) > 10000:
            errs.append("data.attributes.inputs holds %d items: at most 10000" % len(inputs))
        for i, item in enumerate(inputs):
            if not isinstance(item, dict):
                errs.append("inputs[%d] must be an object" % i)
                continue
            if "code" not in item:
                errs.append("inputs[%d].code is required" % i)
            for k, v in item.items():
                want = COUPON_INPUT.get(k)
                if want is None:
                    errs.append("inputs[%d].%s is not a coupon attribute" % (i, k))
                elif want == "datetime":
                    if not (isinstance(v, str) and DATETIME.match(v)):
                        errs.append("inputs[%d].%s must be an ISO 8601 time" % (i, k))
                elif want is int:
                    if not (isinstance(v, int) and not isinstance(v, bool)) or v < 1:
                        errs.append("inputs[%d].%s must be a positive integer" % (i, k))
                elif not isinstance(v, want) or (want is int and isinstance(v, bool)):
                    errs.append("inputs[%d].%s must be %s" % (i, k, want.__name__))
            if len(errs) > 20:
                break
    return errs


def resource(kind, rid, attrs):
    return {"id": rid, "type": kind, "links": {"self": "%s/api/%s/%s" % (BASE, kind, rid)}, "attributes": attrs,
            "meta": {"mode": "test", "organization_id": "WnZPoFZEKy"}}


def public_import(imp):
    return {k: v for k, v in imp.items() if k not in ("inputs", "id", "_steps")}


def process_import(imp):
    """Runs an import to its end: upserts coupons by code + rule, logs refused codes."""
    inputs = imp["inputs"]
    threshold = len(inputs) * 0.1
    for item in inputs:
        code = item["code"]
        rule = item.get("promotion_rule_id") or imp.get("parent_resource_id")
        if code in STATE["refuse"] or rule is None:
            imp["errors_log"][code] = {"code": ["has already been taken"]} if rule else {"promotion_rule": ["must exist"]}
            imp["errors_count"] += 1
            if imp["errors_count"] > threshold and not imp.get("skip_errors"):
                imp["status"] = "interrupted"
                imp["interrupted_at"] = now_iso()
                return
            continue
        existing = STATE["coupon_keys"].get((code, rule))
        attrs = {k: v for k, v in item.items() if k not in ("_add_tags", "_remove_tags")}
        attrs["promotion_rule_id"] = rule
        if existing:
            STATE["coupons"][existing].update(attrs)
        else:
            attrs.setdefault("usage_count", 0)
            attrs["created_at"] = attrs["updated_at"] = now_iso()
            cid = new_id()
            STATE["coupons"][cid] = attrs
            STATE["coupon_keys"][(code, rule)] = cid
        imp["processed_count"] += 1
    imp["status"] = "completed"
    imp["completed_at"] = now_iso()


def coupon_matches(c, filters):
    for k, v in filters.items():
        if k == "promotion_rule_id_eq" and c["promotion_rule_id"] != v:
            return False
        if k == "promotion_rule_promotion_id_eq" and STATE["rules"].get(c["promotion_rule_id"]) != v:
            return False
        if k == "code_start" and not c["code"].startswith(v):
            return False
        if k == "code_eq" and c["code"] != v:
            return False
    return True


def select_coupons(filters):
    ids = sorted(cid for cid, c in STATE["coupons"].items() if coupon_matches(c, filters))
    if "id_gt" in filters:
        ids = [i for i in ids if i > filters["id_gt"]]
    if "id_lteq" in filters:
        ids = [i for i in ids if i <= filters["id_lteq"]]
    return ids


EXPORT_COLUMNS = ["code", "customer_single_use", "usage_limit", "usage_count", "recipient_email", "expires_at",
                  "created_at", "updated_at", "reference", "reference_origin", "metadata", "promotion_rule_id"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body, headers=None, raw=False):
        data = body if raw else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        hdrs = {"Content-Type": "application/vnd.api+json", "X-Ratelimit-Limit": "100",
                "X-Ratelimit-Interval": "60", "X-Ratelimit-Remaining": "99"}
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, code, title, detail=None):
        e = {"title": title, "code": code, "status": str(status)}
        if detail:
            e["detail"] = detail
        self.reply(status, {"errors": [e]})

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def take_fault(self, method, path):
        with LOCK:
            for f in STATE["faults"]:
                if f.get("times", 1) <= 0:
                    continue
                if f.get("method", method) != method or not path.startswith(f.get("path", "/api/")):
                    continue
                f["times"] = f.get("times", 1) - 1
                return f
        return None

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def handle_any(self, method):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = urllib.parse.parse_qs(url.query)
        raw = self.body()
        with LOCK:
            STATE["requests"] += 1
        if path.startswith("/__control/"):
            return self.control(method, path, raw)
        if path.startswith("/__attachments/"):
            return self.attachment(path)
        if ARGS.slow:
            time.sleep(ARGS.slow)
        if path == "/oauth/token" and method == "POST":
            return self.token(raw)
        if not path.startswith("/api/"):
            return self.error(404, "NOT_FOUND", "Not found")
        fault = self.take_fault(method, path)
        if fault:
            action = fault["action"]
            if action == "429":
                return self.reply(429, RECORDED_429_BODY, RECORDED_429_HEADERS)
            if action == "500":
                return self.error(500, "INTERNAL_SERVER_ERROR", "Internal server error")
            if action == "401":
                with LOCK:
                    STATE["tokens"].clear()
                return self.reply(401, {"errors": [{"title": "Invalid token", "detail": "The access token you provided is invalid.",
                                                     "code": "INVALID_TOKEN", "status": "401"}]})
            if action == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if action == "delay":
                time.sleep(float(fault.get("seconds", 1)))
        # headers and auth, as the API checks them
        auth = self.headers.get("Authorization", "")
        with LOCK:
            expiry = STATE["tokens"].get(auth[7:]) if auth.startswith("Bearer ") else None
        if expiry is None or expiry < time.time():
            if not auth.startswith("Bearer "):
                violation("%s %s without a Bearer token" % (method, path))
            return self.reply(401, {"errors": [{"title": "Invalid token", "detail": "The access token you provided is invalid.",
                                                 "code": "INVALID_TOKEN", "status": "401"}]})
        if self.headers.get("Accept") != "application/vnd.api+json":
            violation("%s %s: Accept is %r" % (method, path, self.headers.get("Accept")))
            return self.error(406, "NOT_ACCEPTABLE", "Not acceptable")
        body = None
        if method in ("POST", "PATCH"):
            if self.headers.get("Content-Type") != "application/vnd.api+json":
                violation("%s %s: Content-Type is %r" % (method, path, self.headers.get("Content-Type")))
                return self.error(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type")
            try:
                body = json.loads(raw)
            except ValueError:
                violation("%s %s: body is not JSON" % (method, path))
                return self.error(400, "BAD_REQUEST", "Bad request")
        after_create = fault["action"] if fault and fault["action"] in ("500-after-create", "drop-after-create") else None
        if path == "/api/imports" and method == "POST":
            return self.create_import(body, after_create)
        m = re.fullmatch(r"/api/imports/([A-Za-z]+)", path)
        if m and method == "GET":
            return self.get_import(m.group(1))
        if path == "/api/imports" and method == "GET":
            return self.list_imports(query)
        if path == "/api/coupons" and method == "GET":
            return self.list_coupons(query)
        if path == "/api/exports" and method == "POST":
            return self.create_export(body)
        m = re.fullmatch(r"/api/exports/([A-Za-z]+)", path)
        if m and method == "GET":
            return self.get_export(m.group(1))
        violation("%s %s: no such endpoint" % (method, path))
        return self.error(404, "NOT_FOUND", "Not found")

    def token(self, raw):
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            violation("token request Content-Type %r" % self.headers.get("Content-Type"))
            return self.reply(400, {"errors": [{"code": "BAD_REQUEST", "title": "invalid_request", "status": 400}]})
        try:
            body = json.loads(raw)
        except ValueError:
            violation("token request body is not JSON")
            return self.reply(400, {"errors": [{"code": "BAD_REQUEST", "title": "invalid_request", "status": 400}]})
        if body.get("grant_type") != "client_credentials":
            violation("token request grant_type %r" % body.get("grant_type"))
            return self.reply(400, {"errors": [{"code": "BAD_REQUEST", "title": "unsupported_grant_type", "status": 400}]})
        if body.get("client_id") != ARGS.client_id or body.get("client_secret") != ARGS.client_secret:
            return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "detail": "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.", "status": 401, "title": "invalid_client"}]},
                              {"Content-Type": "application/json; charset=utf-8"})
        now = int(time.time())
        claims = {"organization": {"id": "WnZPoFZEKy", "slug": "emulated", "enterprise": False, "region": "eu-west-1"},
                  "application": {"id": "GvPXiXrKBp", "client_id": ARGS.client_id, "kind": "integration", "public": False},
                  "scope": body.get("scope", "market:all"), "exp": now + ARGS.token_ttl, "test": True,
                  "rand": random.random(), "iat": now, "iss": "https://auth.commercelayer.io"}
        token = b64({"alg": "HS512"}) + "." + b64(claims) + "." + new_id()
        with LOCK:
            STATE["tokens"][token] = time.time() + ARGS.token_ttl
            STATE["tokens_issued"] += 1
        self.reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": ARGS.token_ttl,
                         "scope": claims["scope"], "created_at": now},
                   {"Content-Type": "application/json; charset=utf-8", "cache-control": "no-store",
                    "X-Ratelimit-Limit": "30"})

    def create_import(self, body, after_create):
        errs = import_errors(body) + openapi_errors("/imports", body)
        if errs:
            for e in errs:
                violation("POST /api/imports: " + e)
            return self.error(422, "VALIDATION_ERROR", "Unprocessable entity", "; ".join(errs[:5]))
        attrs = body["data"]["attributes"]
        iid = new_id()
        imp = {"resource_type": attrs["resource_type"], "format": attrs.get("format", "json"),
               "parent_resource_id": attrs.get("parent_resource_id"), "reference": attrs.get("reference"),
               "reference_origin": attrs.get("reference_origin"), "metadata": attrs.get("metadata", {}),
               "skip_errors": attrs.get("skip_errors", False), "status": "pending", "inputs_size": len(attrs["inputs"]),
               "processed_count": 0, "errors_count": 0, "warnings_count": 0, "errors_log": {}, "warnings_log": {},
               "created_at": now_iso(), "inputs": attrs["inputs"], "_steps": 0}
        with LOCK:
            STATE["imports"][iid] = imp
            STATE["import_posts"] += 1
            ref = attrs.get("reference") or ""
            STATE["imports_by_reference"][ref] = STATE["imports_by_reference"].get(ref, 0) + 1
        if after_create == "500-after-create":
            return self.error(500, "INTERNAL_SERVER_ERROR", "Internal server error")
        if after_create == "drop-after-create":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.reply(201, {"data": resource("imports", iid, public_import(imp))})

    def get_import(self, iid):
        with LOCK:
            imp = STATE["imports"].get(iid)
            if imp is None:
                return self.error(404, "RECORD_NOT_FOUND", "Record not found",
                                  "The requested resource was not found. Please double-check the resource id.")
            imp["_steps"] += 1
            if imp["status"] == "pending" and imp["_steps"] >= 1:
                imp["status"] = "in_progress"
                imp["started_at"] = now_iso()
            elif imp["status"] == "in_progress" and imp["_steps"] >= ARGS.poll_steps:
                process_import(imp)
            out = resource("imports", iid, public_import(imp))
        self.reply(200, {"data": out})

    def list_imports(self, query):
        allowed = {"filter[q][reference_eq]", "fields[imports]", "page[size]", "page[number]", "sort"}
        for k in query:
            if k not in allowed:
                violation("GET /api/imports: unexpected parameter " + k)
        ref = query.get("filter[q][reference_eq]", [None])[0]
        with LOCK:
            items = [resource("imports", iid, public_import(imp)) for iid, imp in STATE["imports"].items()
                     if ref is None or imp["reference"] == ref]
        self.reply(200, {"data": items[:25], "meta": {"record_count": len(items), "page_count": 1}})

    def list_coupons(self, query):
        filters = {}
        for k, v in query.items():
            m = re.fullmatch(r"filter\[q\]\[(\w+)\]", k)
            if m:
                if m.group(1) not in COUPON_FILTERS:
                    violation("GET /api/coupons: unknown filter " + m.group(1))
                filters[m.group(1)] = v[0]
            elif k not in ("sort", "page[size]", "page[number]", "fields[coupons]"):
                violation("GET /api/coupons: unexpected parameter " + k)
        size = int(query.get("page[size]", ["10"])[0])
        number = int(query.get("page[number]", ["1"])[0])
        if size < 1 or size > 25:
            violation("GET /api/coupons: page[size] %d (1..25)" % size)
        with LOCK:
            ids = select_coupons(filters)
            page = [resource("coupons", i, {"code": STATE["coupons"][i]["code"]}) for i in ids[(number - 1) * size:number * size]]
        self.reply(200, {"data": page, "meta": {"record_count": len(ids), "page_count": (len(ids) + size - 1) // size}})

    def create_export(self, body):
        errs = openapi_errors("/exports", body)
        data = body.get("data") if isinstance(body, dict) else None
        attrs = data.get("attributes") if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("type") != "exports" or not isinstance(attrs, dict):
            errs.append("data.type must be 'exports' with attributes")
        else:
            for k in attrs:
                if k not in EXPORT_ATTRIBUTES:
                    errs.append("data.attributes.%s is not an export attribute" % k)
            if attrs.get("resource_type") != "coupons":
                errs.append("resource_type must be coupons here")
            if attrs.get("format", "json") not in ("json", "csv"):
                errs.append("format must be json or csv")
            filters = attrs.get("filters", {})
            if not isinstance(filters, dict):
                errs.append("filters must be an object")
            else:
                for k in filters:
                    if k not in COUPON_FILTERS:
                        errs.append("unknown filter " + k)
        if errs:
            for e in errs:
                violation("POST /api/exports: " + e)
            return self.error(422, "VALIDATION_ERROR", "Unprocessable entity", "; ".join(errs))
        with LOCK:
            ids = select_coupons(attrs.get("filters", {}))
            if len(ids) > 10000:
                return self.reply(422, {"errors": [{"title": "must be less than or equal to 10000", "code": "VALIDATION_ERROR",
                                                     "status": "422", "meta": {"error": "less_than_or_equal_to", "value": len(ids), "count": 10000}}]})
            if not ids:
                return self.reply(422, {"errors": [{"title": "must be greater than 0", "code": "VALIDATION_ERROR",
                                                     "status": "422", "meta": {"error": "greater_than", "value": 0, "count": 0}}]})
            eid = new_id()
            records = []
            for i in ids:
                c = STATE["coupons"][i]
                rec = {"id": i}
                for col in EXPORT_COLUMNS:
                    rec[col] = c.get(col)
                records.append(rec)
            STATE["exports"][eid] = {"status": "pending", "records": records, "_steps": 0, "token": None,
                                     "format": attrs.get("format", "json")}
            out = {"resource_type": "coupons", "format": attrs.get("format", "json"), "status": "pending",
                   "records_count": len(records), "filters": attrs.get("filters", {}), "attachment_url": None}
        self.reply(201, {"data": resource("exports", eid, out)})

    def get_export(self, eid):
        with LOCK:
            exp = STATE["exports"].get(eid)
            if exp is None:
                return self.error(404, "RECORD_NOT_FOUND", "Record not found")
            exp["_steps"] += 1
            if exp["status"] == "pending":
                exp["status"] = "in_progress"
            elif exp["status"] == "in_progress" and exp["_steps"] >= ARGS.poll_steps:
                exp["status"] = "completed"
            url = None
            if exp["status"] == "completed":
                exp["token"] = new_id()  # a fresh link each time; the older ones stop working
                url = "%s/__attachments/%s/%s" % (BASE, eid, exp["token"])
            out = {"resource_type": "coupons", "format": exp["format"], "status": exp["status"],
                   "records_count": len(exp["records"]), "attachment_url": url}
        self.reply(200, {"data": resource("exports", eid, out)})

    def attachment(self, path):
        parts = path.split("/")
        if self.headers.get("Authorization"):
            with LOCK:
                STATE["attachment_auth_rejected"] += 1
            violation("attachment downloaded with an Authorization header")
            return self.reply(400, "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>",
                              {"Content-Type": "application/xml"})
        with LOCK:
            exp = STATE["exports"].get(parts[2]) if len(parts) == 4 else None
            if exp is None or exp["token"] != parts[3]:
                STATE["attachment_stale_rejected"] += 1
                return self.reply(403, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                                  {"Content-Type": "application/xml"})
            data = gzip.compress(json.dumps(exp["records"]).encode())
        self.reply(200, data, {"Content-Type": "application/gzip"}, raw=True)

    def control(self, method, path, raw):
        body = json.loads(raw) if raw else None
        with LOCK:
            if path == "/__control/stats":
                return self.reply(200, {
                    "imports_by_reference": STATE["imports_by_reference"], "import_posts": STATE["import_posts"],
                    "imports": {iid: public_import(i) for iid, i in STATE["imports"].items()},
                    "coupons": len(STATE["coupons"]),
                    "coupon_codes": sorted(c["code"] for c in STATE["coupons"].values()),
                    "violations": STATE["violations"], "tokens_issued": STATE["tokens_issued"],
                    "attachment_auth_rejected": STATE["attachment_auth_rejected"],
                    "attachment_stale_rejected": STATE["attachment_stale_rejected"],
                    "exports": len(STATE["exports"]), "requests": STATE["requests"]}, {"Content-Type": "application/json"})
            if path == "/__control/faults":
                STATE["faults"].extend(body)
            elif path == "/__control/refuse":
                if body.get("replace"):
                    STATE["refuse"].clear()
                STATE["refuse"].update(body["codes"])
            elif path == "/__control/coupons":
                rule = body["rule"]
                if body.get("promotion"):
                    STATE["rules"][rule] = body["promotion"]
                for n in range(body["count"]):
                    cid = new_id()
                    STATE["coupon_keys"][("%s%08d" % (body.get("prefix", "SEED"), n), rule)] = cid
                    STATE["coupons"][cid] = {"code": "%s%08d" % (body.get("prefix", "SEED"), n),
                                                  "promotion_rule_id": rule, "usage_limit": 1, "usage_count": 0,
                                                  "customer_single_use": None, "recipient_email": None,
                                                  "expires_at": "2030-01-01T00:00:00.000Z", "reference": None,
                                                  "reference_origin": None, "metadata": {"batch": "seed"},
                                                  "created_at": now_iso(), "updated_at": now_iso()}
            else:
                return self.reply(404, {"error": "no such control"})
        self.reply(200, {"ok": True}, {"Content-Type": "application/json"})


def main():
    global ARGS, SCHEMA, BASE
    p = argparse.ArgumentParser()
    p.add_argument("--client-id", default="test-client-id")
    p.add_argument("--client-secret", default="test-client-secret")
    p.add_argument("--token-ttl", type=int, default=7200)
    p.add_argument("--poll-steps", type=int, default=2)
    p.add_argument("--slow", type=float, default=0)
    p.add_argument("--schema", default="")
    p.add_argument("--lifetime", type=float, default=300)
    ARGS = p.parse_args()
    if ARGS.schema and os.path.exists(ARGS.schema):
        with open(ARGS.schema) as f:
            SCHEMA = json.load(f)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    BASE = "http://127.0.0.1:%d" % server.server_address[1]
    threading.Timer(ARGS.lifetime, lambda: os._exit(3)).start()
    print("PORT %d %s" % (server.server_address[1], "schema" if SCHEMA else "no-schema"), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
