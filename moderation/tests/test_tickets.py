"""Calls for help through the real stack: a report is an event, the
`moderation` consumer opens a ticket with the chat lines of that moment, a
moderator picks and closes it, and the reporter hears the outcome."""

import asyncio
import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chat.models import ChatLine
from conftest import hotel_socket, next_of, session_cookie, wait_for
from habbo.models import Rank
from habbo.reports import HelpReported
from habbo.reports import report as habbo_report
from moderation import services
from moderation.models import Ticket
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def report(user, **body) -> tuple[int, dict]:
    client = Client()
    client.force_login(user)
    body = {"ticket_id": str(uuid.uuid4())} | body
    response = client.post(reverse("help-report"), json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_a_reported_chat_line_opens_a_ticket_that_is_picked_closed_and_answered(
    daphne_server, consumer_process, make_player
):
    reporter, rude, moderator = make_player("reporter"), make_player("rude"), make_player(
        "mod", is_staff=True, rank=Rank.MODERATOR)
    room = Room.objects.create(owner=rude, name="Cafe", floor_plan="000\n000", door_x=0, door_y=0)
    now = timezone.now()
    said = [
        ChatLine.objects.create(room=room, user=user, text=text, said_at=now - timedelta(seconds=60 - i))
        for i, (user, text) in enumerate([(reporter, "hello all"), (rude, "you are all idiots"), (reporter, "rude")])
    ]
    ChatLine.objects.create(room=room, user=rude, text="long ago", said_at=now - timedelta(hours=1))
    server = daphne_server()
    consumer_process("moderation")

    ticket_id = str(uuid.uuid4())
    status, answer = report(reporter, ticket_id=ticket_id, about="chat", chat_line_id=str(said[1].pk), message="Insults")
    assert (status, answer["status"]) == (202, "sent")
    # The same click sent twice opens one ticket.
    assert report(reporter, ticket_id=ticket_id, about="chat", chat_line_id=str(said[1].pk))[0] == 202
    wait_for(lambda: Ticket.objects.filter(pk=ticket_id).exists(), what="the ticket")
    ticket = Ticket.objects.get(pk=ticket_id)
    assert (ticket.about_user, ticket.room_id, ticket.message, ticket.state) == (rude, room.pk, "Insults", "open")
    assert [(line["user"], line["text"]) for line in ticket.chat_lines] == [
        ("reporter", "hello all"), ("rude", "you are all idiots"), ("reporter", "rude")]

    services.ticket_pick_request(moderator=moderator, ticket=ticket)
    wait_for(lambda: Ticket.objects.get(pk=ticket_id).state == "picked", what="the pick")
    assert Ticket.objects.get(pk=ticket_id).picked_by == moderator
    with pytest.raises(services.ModerationRefused, match="already picked"):
        services.ticket_pick_request(moderator=moderator, ticket=Ticket.objects.get(pk=ticket_id))

    cookie = session_cookie(reporter)

    async def answered() -> dict:
        async with hotel_socket(server, cookie) as pages:
            await asyncio.to_thread(
                services.ticket_close_request, moderator=moderator, ticket=ticket, outcome="resolved", note="Muted."
            )
            return await next_of(pages, "help.closed")

    notice = asyncio.run(answered())
    assert notice == {"type": "help.closed", "ticket_id": ticket_id, "outcome": "resolved",
                      "message": "A moderator looked at your report and acted on it. Thank you. Muted."}
    closed = Ticket.objects.get(pk=ticket_id)
    assert (closed.state, closed.outcome, closed.closed_by) == ("closed", "resolved", moderator)


def test_abusive_reports_count_against_the_reporter(consumer_process, make_player):
    troll, target = make_player("troll"), make_player("target")
    moderator = make_player("mod", is_staff=True, rank=Rank.MODERATOR)
    consumer_process("moderation")
    assert report(troll, about="player", user_id=troll.pk)[1]["message"] == "You cannot report yourself."
    for sent in range(1, 4):
        ticket_id = str(uuid.uuid4())
        assert report(troll, ticket_id=ticket_id, about="player", user_id=target.pk, message="x")[0] == 202
        wait_for(lambda: Ticket.objects.filter(pk=ticket_id).exists(), what=f"ticket {sent}")
        services.ticket_close_request(moderator=moderator, ticket=Ticket.objects.get(pk=ticket_id), outcome="abusive")
        wait_for(lambda: services.abusive_reports(troll) == sent, what=f"abusive close {sent}")
    status, answer = report(troll, about="player", user_id=target.pk)
    assert status == 403 and answer["message"].startswith("Several of your recent reports were found abusive")
    # Someone else still reports.
    assert report(target, about="player", user_id=troll.pk)[0] == 202


def test_a_report_refused_by_its_schema_says_why(make_player):
    player = make_player("player")
    assert report(player, about="player") == (
        400, {"error": "invalid", "message": "A report about player names it."})
    assert report(player, about="weather")[1]["message"] == (
        "Say what you are reporting: a player, a room or a chat line.")
    assert report(player, about="player", user_id=99999) == (404, {"error": "refused", "message": "There is no such player."})
    assert report(player, about="room", room_id=str(uuid.uuid4()))[1]["message"] == "There is no such room."


def test_a_word_in_a_new_rooms_name_keeps_its_room_on_the_ticket_even_before_the_room_exists(
    consumer_process, make_player
):
    writer = make_player("writer")
    consumer_process("moderation")
    room_id, ticket_id = uuid.uuid4(), uuid.uuid4()
    habbo_report(HelpReported(ticket_id=ticket_id, reporter_id=None, about="word", about_user_id=writer.pk,
                              room_id=room_id, quote="Room of rude words"))
    wait_for(lambda: Ticket.objects.filter(pk=ticket_id).exists(), what="the ticket")
    ticket = Ticket.objects.get(pk=ticket_id)
    assert (ticket.room_id, ticket.about_user, ticket.reporter) == (room_id, writer, None)
    Room.objects.create(pk=room_id, owner=writer, name="Room of bobba words", floor_plan="00\n00", door_x=0, door_y=0)
    assert Ticket.objects.get(pk=ticket_id).room.name == "Room of bobba words"


def test_a_line_reported_before_the_chat_history_has_it_still_opens_its_ticket(consumer_process, make_player):
    reporter, rude = make_player("reporter"), make_player("rude")
    room = Room.objects.create(owner=rude, name="Cafe", floor_plan="000\n000", door_x=0, door_y=0)
    consumer_process("moderation")
    line_id, ticket_id = str(uuid.uuid4()), str(uuid.uuid4())
    assert report(reporter, ticket_id=ticket_id, about="chat", chat_line_id=line_id, room_id=str(room.pk),
                  user_id=rude.pk)[0] == 202
    wait_for(lambda: Ticket.objects.filter(pk=ticket_id).exists(), what="the ticket")
    ticket = Ticket.objects.get(pk=ticket_id)
    assert (str(ticket.chat_line_id), ticket.room_id, ticket.about_user) == (line_id, room.pk, rude)
