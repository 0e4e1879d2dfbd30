# ShopSocial's HTTP cache (Varnish 7, xkey from varnish-modules).
#
# - Anonymous GET/HEAD requests (no Cookie, no Authorization) are looked up in the
#   cache; the origin decides what may be kept: only responses that say
#   `Cache-Control: public, s-maxage=N` and set no cookie are stored.
# - Pages vary on DNT / Sec-GPC (normalised here to "1" or absent).
# - Tracking parameters (utm_*, gclid, fbclid, ...) are removed before the lookup
#   and before the request reaches the origin: they never split the cache.
# - /ws/ (the live chat's WebSockets) is piped to the ASGI server.
# - `PURGE` with an `xkey-purge: product-42 storefront-alice` header removes every
#   object tagged with any of those keys. With VARNISH_PURGE_TOKEN in varnishd's
#   environment (compose), a purge must carry it in `Purge-Token` and come from the
#   `purgers` ACL; without one, only this machine (loopback) may purge. The ACL alone
#   is not enough where clients reach Varnish through a private network (a load
#   balancer, Docker's published port): they would all look like the app.
#
# The backend addresses below are the compose services (two web nodes, the socket
# server); tests and `manage.py serve` substitute their own (shopsocial/varnish.py), both
# web backends pointing at one origin unless a second is given.
vcl 4.1;

import std;
import xkey;
import directors;

backend web {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

backend web2 {
    .host = "web2";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

backend chat {
    .host = "chat";
    .port = "8001";
}

# Pages go to the two web nodes in turn; a fetch that fails (a node restarting or down)
# is tried once on the other (vcl_backend_error).
sub vcl_init {
    new pages = directors.round_robin();
    pages.add_backend(web);
    pages.add_backend(web2);
}

acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

acl loopback {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.url ~ "^/ws/") {
        set req.backend_hint = chat;
        return (pipe);
    }
    set req.backend_hint = pages.backend();

    if (req.method == "PURGE") {
        # "" + : std.getenv() is NULL for a variable that is not set, and NULL == "" is false.
        if ("" + std.getenv("VARNISH_PURGE_TOKEN") == "") {
            if (client.ip !~ loopback) {
                return (synth(403, "Forbidden"));
            }
        } elsif (client.ip !~ purgers || !req.http.Purge-Token ||
                 req.http.Purge-Token != std.getenv("VARNISH_PURGE_TOKEN")) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }

    # Junk query parameters: not part of the page, not part of the key.
    if (req.url ~ "[?&](utm_[A-Za-z0-9_]*|gclid|gbraid|wbraid|fbclid|msclkid|mc_cid|mc_eid|_ga|_gl)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[A-Za-z0-9_]*|gclid|gbraid|wbraid|fbclid|msclkid|mc_cid|mc_eid|_ga|_gl)=[^&]*(&|$)", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }

    # Only "1" means anything (privacy/tracking.py): two variants per header, not many.
    if (req.http.DNT != "1") {
        unset req.http.DNT;
    }
    if (req.http.Sec-GPC != "1") {
        unset req.http.Sec-GPC;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A cookie means a session (cart, sign-in) or an opt-out: rendered at the origin.
    if (req.http.Cookie || req.http.Authorization) {
        return (pass);
    }
    return (hash);
}

sub vcl_pipe {
    # WebSocket upgrade: keep the handshake headers.
    if (req.http.Upgrade) {
        set bereq.http.Upgrade = req.http.Upgrade;
        set bereq.http.Connection = req.http.Connection;
    }
}

sub vcl_backend_response {
    # Opt-in: the origin says what is shared. Never a response that sets a cookie or is
    # private, whatever else it says.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "s-maxage") {
        set beresp.uncacheable = true;
        set beresp.ttl = 60s;
        return (deliver);
    }
    # The origin's pages are short-lived on purpose (purges make them fresh); keep a
    # little grace so a purge storm does not send every shopper to the origin at once
    # for pages that expired rather than were purged.
    set beresp.grace = 10s;
}

sub vcl_backend_error {
    # Only reads are tried again: a POST may have reached the node before it failed.
    if (bereq.retries == 0 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The surrogate keys are for this cache only.
    unset resp.http.xkey;
}
