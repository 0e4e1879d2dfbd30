"""Live chat in two browsers: a shopper on demo.localhost and a Support agent in the
console, over real WebSockets served by uvicorn (the ASGI server), closing into a ticket.

The session's `live_shop` serves HTTP with runserver, which has no WebSockets; this
module starts the ASGI application with uvicorn on another port, on the same database
and mail folder (in-memory channel layer: one process).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, ROOT, SERVER_START_TIMEOUT, LiveShop, free_port, screenshot
from .flows import admin_sign_in
from .helpers import serious_axe_violations


@dataclass
class AsgiShop(LiveShop):
    def start(self) -> None:
        self.log_path = ARTIFACTS / "asgi-server.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "shopsocial.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--lifespan",
                "off",
                "--ws-max-size",
                "65536",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited:\n{self.log_path.read_text()}")
            with contextlib.suppress(OSError):
                if self.fetch("www", "/healthz", timeout=2).status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"uvicorn did not answer in time:\n{self.log_path.read_text()}")


@pytest.fixture(scope="module")
def chat_shop(live_shop):
    port = free_port()
    env = {
        **live_shop.env,
        "SHOP_PORT": f":{port}",
        "CSRF_TRUSTED_ORIGINS": f"http://localhost:{port},http://www.localhost:{port}",
        "CHAT_OFFICE_HOURS": "always",
        "DJANGO_SETTINGS_MODULE": "shopsocial.settings.dev",
    }
    shop = AsgiShop(port=port, database=live_shop.database, mail_dir=live_shop.mail_dir, env=env)
    try:
        shop.start()
        yield shop
    finally:
        shop.stop()


def test_shopper_and_agent_chat_and_the_chat_becomes_a_closed_ticket(chat_shop, new_context):
    # The agent opens the console first (an agent online makes chat available).
    agent = new_context().new_page()
    admin_sign_in(chat_shop, agent)
    agent.goto(chat_shop.url("www", "/support/chat/"))
    expect(agent.locator("#console-status")).to_have_text("Online: you are taking chats.")

    # The shopper browses: nothing about chat loads until the button is pressed.
    shopper_context = new_context()
    shopper = shopper_context.new_page()
    shopper.goto(chat_shop.url("demo", "/"))
    assert not any("chat" in url or url.startswith("ws") for url in shopper_context.request_log)
    assert shopper_context.cookies() == []
    shopper.get_by_role("link", name="Chat with us").first.click()
    shopper.wait_for_url("**/contact/chat/")
    shopper.get_by_label("Your name").fill("Casey Chat")
    shopper.get_by_label("Your email address").fill("casey.chat@example.com")
    shopper.get_by_label("What can we help with?").select_option("change_info")
    screenshot(shopper, "chat-start")
    shopper.get_by_role("button", name="Start chat").click()
    expect(shopper.locator("#chat-status")).to_contain_text("Waiting for the next available agent")
    reference = shopper.locator("#chat-reference").inner_text()
    assert reference.startswith("T-")

    # The agent claims it from the queue.
    claim = agent.get_by_role("button", name="Claim chat with Casey Chat")
    claim.click()
    panel = agent.locator(".console-chat").filter(has_text="Casey Chat")
    expect(panel).to_be_visible()
    expect(panel.locator(".cc-ticket-link")).to_have_text(reference)
    expect(shopper.locator("#chat-status")).to_contain_text("You are chatting with")

    # Messages both ways; markup is shown as text.
    shopper.get_by_label("Your message").fill("Please change my phone to 555-0100 <b>now</b>")
    shopper.get_by_role("button", name="Send").click()
    expect(panel.locator(".chat-log")).to_contain_text(
        "Please change my phone to 555-0100 <b>now</b>"
    )
    panel.locator(".cc-input").press_sequentially("Sure", delay=20)
    expect(shopper.locator("#chat-typing")).to_be_visible()
    panel.locator(".cc-canned").select_option(label="Greeting")
    expect(panel.locator(".cc-input")).to_have_value(
        "Hello, thank you for waiting. How can I help you today?"
    )
    panel.locator(".cc-input").fill("Done: your phone number is now 555-0100.")
    panel.get_by_role("button", name="Send").click()
    expect(shopper.locator("#chat-log")).to_contain_text("Done: your phone number is now 555-0100.")
    assert shopper.locator("#chat-log b").count() == 0
    screenshot(shopper, "chat-shopper")
    screenshot(agent, "chat-console")
    assert serious_axe_violations(shopper) == []
    assert serious_axe_violations(agent) == []

    # A guest's typed address gets no transcript (issue 30: only a signed-in account's
    # confirmed address does); the shopper is told why. Then the agent closes the chat.
    shopper.get_by_role("button", name="Email me the transcript").click()
    expect(shopper.locator("body")).to_contain_text(
        "Transcripts are emailed only to a signed-in account's confirmed address."
    )
    assert not [m for m in chat_shop.mailbox.all() if "casey.chat@example.com" in m.to]
    panel.locator(".cc-outcome").select_option("resolved")
    panel.get_by_role("button", name="Close chat").click()
    expect(shopper.locator("#chat-status")).to_contain_text("This chat has ended")
    expect(panel.locator(".cc-closed")).to_contain_text(reference)
    assert shopper_context.cookies() == []

    # The chat is a ticket thread, closed, in the admin.
    out = chat_shop.shell(
        "from privacy.models import Ticket\n"
        f"t = Ticket.objects.get(reference={reference!r})\n"
        "print(t.status, t.opened_on.slug, t.chat.outcome)\n"
        "for m in t.messages.all(): print(m.author, '|', m.body)\n"
    )
    lines = [ln for ln in out.splitlines() if ln and "imported automatically" not in ln]
    assert lines == [
        "closed demo resolved",
        "customer | Please change my phone to 555-0100 <b>now</b>",
        "staff | Done: your phone number is now 555-0100.",
    ]
    agent.goto(chat_shop.url("www", "/admin/privacy/ticket/?q=" + reference))
    expect(agent.locator("#result_list")).to_contain_text(reference)


def test_chat_page_on_a_phone_and_the_leave_a_message_form(chat_shop, new_context):
    """No agent online: the chat page is the leave-a-message form (a ticket), at 390 px."""
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(chat_shop.url("demo", "/contact/chat/"))
    expect(page.get_by_role("heading", name="Nobody is free to chat right now")).to_be_visible()
    screenshot(page, "chat-leave-message-390")
    assert serious_axe_violations(page) == []
    page.get_by_label("What can we help with?").select_option("other")
    page.get_by_label("Your name").fill("Lee Later")
    page.get_by_label("Your email address").fill("lee.later@example.com")
    page.get_by_label("Your message").fill("Please call me tomorrow.")
    page.get_by_role("button", name="Leave a message").click()
    page.wait_for_url("**/contact/sent/**")
    mail = chat_shop.mailbox.wait_for(lambda m: "lee.later@example.com" in m.to)
    assert "T-" in mail.subject


def test_a_chat_survives_a_restart_of_the_socket_server(chat_shop, new_context):
    """A deploy restarts the socket server (TERM, then a new process on the same port):
    both browsers say they are reconnecting, reconnect by themselves, show the chat as it
    was, and messages flow both ways again."""
    agent = new_context().new_page()
    admin_sign_in(chat_shop, agent)
    agent.goto(chat_shop.url("www", "/support/chat/"))
    expect(agent.locator("#console-status")).to_have_text("Online: you are taking chats.")
    shopper = new_context().new_page()
    shopper.goto(chat_shop.url("demo", "/contact/chat/"))
    shopper.get_by_label("Your name").fill("Robin Restart")
    shopper.get_by_label("Your email address").fill("robin.restart@example.com")
    shopper.get_by_label("What can we help with?").select_option("change_info")
    shopper.get_by_role("button", name="Start chat").click()
    agent.get_by_role("button", name="Claim chat with Robin Restart").click()
    panel = agent.locator(".console-chat").filter(has_text="Robin Restart")
    expect(shopper.locator("#chat-status")).to_contain_text("You are chatting with")
    shopper.get_by_label("Your message").fill("Before the restart")
    shopper.get_by_role("button", name="Send").click()
    expect(panel.locator(".chat-log")).to_contain_text("Before the restart")

    chat_shop.stop()  # TERM: uvicorn closes the sockets and exits
    expect(shopper.locator("#chat-status")).to_contain_text("reconnecting", timeout=15_000)
    expect(agent.locator("#console-status")).to_contain_text("reconnecting", timeout=15_000)
    chat_shop.start()  # the new process, same address

    expect(shopper.locator("#chat-status")).to_contain_text("You are chatting with", timeout=30_000)
    expect(agent.locator("#console-status")).to_have_text(
        "Online: you are taking chats.", timeout=30_000
    )
    shopper.get_by_label("Your message").fill("After the restart")
    shopper.get_by_role("button", name="Send").click()
    expect(panel.locator(".chat-log")).to_contain_text("After the restart", timeout=15_000)
    panel.locator(".cc-input").fill("Still here after the deploy.")
    panel.get_by_role("button", name="Send").click()
    expect(shopper.locator("#chat-log")).to_contain_text("Still here after the deploy.")
    # The history the reconnect re-sent shows each message once.
    assert shopper.locator("#chat-log").inner_text().count("Before the restart") == 1
