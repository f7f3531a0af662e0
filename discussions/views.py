"""The discussion's pages, which work without JavaScript (rule 7 of the realtime protocol).

The room page posts a normal form and lists history with keyset pagination on the message's `seq`; the
browser client (site/static/js/discussion.js) enhances the same page over the websocket. Every write goes
through discussions.actions, which tells the open sockets after the commit with the same frames as over the
websocket; a refusal (core.errors.ActionError) becomes a form error. Each page runs a fixed number of
queries, however many messages, rooms or members there are.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.errors import ActionError
from networks.decorators import member_required
from notices.attention import LEVEL_CHOICES
from notices.models import Attention

from . import actions, queries, reports
from . import search as discussion_search
from .forms import EditForm, HideForm, MessageForm, ReportForm, RoomForm
from .models import Message, Reaction, Report, Room

PAGE_SIZE = 50  # messages per page of history
GROUPING_SECONDS = 5 * 60  # an author's messages this close together show as one group
REACTION_KINDS = [(kind, Reaction.EMOJI[kind], kind.label) for kind in Reaction.Kind]


def form_status(form, error=None):
    """400 for a refused form, 429 when the refusal was a rate limit (its message says when to try again)."""
    if error is not None and error.code == "rate_limited":
        return 429
    return 400 if form.errors else 200


def with_unread(user, rooms):
    unread = queries.unread_counts(user, rooms)
    for room in rooms:
        room.unread = unread[room.pk]
    return rooms


def get_room(access, room_id, *related):
    """A room of this network: the network is part of the lookup, so another network's room is a 404."""
    return get_object_or_404(Room.objects.select_related(*related), pk=room_id, network=access.network)


def room_url(room, access, fragment=""):
    url = reverse("discussion-room", args=[access.network.slug, room.pk])
    return f"{url}#{fragment}" if fragment else url


def parse_seq(value):
    try:
        seq = int(value)
    except (TypeError, ValueError):
        return None
    return seq if seq > 0 else None


# -- the rooms ------------------------------------------------------------------------------------------


@member_required
def rooms(request, access):
    network = access.network
    form = RoomForm()
    refusal = None
    if request.method == "POST":
        form = RoomForm(request.POST)
        if form.is_valid():
            try:
                room = actions.create_topic_room(network, request.user, form.cleaned_data["title"])
            except ActionError as error:
                form.add_error("title", error.message)
                refusal = error
            else:
                messages.success(request, _("Aihe ”%(title)s” on avattu.") % {"title": room.title})
                return redirect("discussion-room", network.slug, room.pk)
    actions.ensure_general_room(network)
    all_rooms = with_unread(request.user, queries.network_rooms(network, request.user))
    context = {
        "access": access,
        "active_tab": "discussion",
        "general_rooms": [room for room in all_rooms if room.kind == Room.Kind.GENERAL],
        "workshop_rooms": [room for room in all_rooms if room.kind == Room.Kind.WORKSHOP],
        "topic_rooms": [room for room in all_rooms if room.kind == Room.Kind.TOPIC],
        "network_muted": bool(all_rooms and all_rooms[0].network_muted),
        "form": form,
    }
    return TemplateResponse(request, "discussions/rooms.html", context, status=form_status(form, refusal))


# -- search ---------------------------------------------------------------------------------------------


@member_required
def search(request, access):
    """The network's messages that contain the words asked for (discussions.search); 400 with the sentence for a
    query that cannot be searched, the form alone for an empty one."""
    query = request.GET.get("q", "")
    results = None
    problem = None
    if query.strip():
        try:
            results = discussion_search.search_messages(access.network, query, request.GET.get("page"))
        except ActionError as refusal:
            problem = refusal.message
    context = {
        "access": access,
        "active_tab": "discussion",
        # As typed, for the form; a NUL byte would make no sense in the field.
        "query": query.replace("\x00", "")[: discussion_search.MAX_QUERY_LENGTH],
        "results": results,
        "problem": problem,
        "max_length": discussion_search.MAX_QUERY_LENGTH,
    }
    return TemplateResponse(request, "discussions/search.html", context, status=400 if problem else 200)


# -- one room -------------------------------------------------------------------------------------------


@member_required
def room(request, access, room_id):
    room = get_room(access, room_id, "pinned_message__author")
    form = None
    refusal = None
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                message, _created = actions.create_message(
                    room, request.user, data["body"], data["client_id"], data["reply_to"]
                )
            except ActionError as error:
                form.add_error("body" if error.code in {"empty", "too_long"} else None, error.message)
                refusal = error
            else:
                return redirect(room_url(room, access, f"viesti-{message.pk}"))

    before = parse_seq(request.GET.get("before"))
    page = queries.messages_before(room, before=before, limit=PAGE_SIZE)
    page.reverse()  # oldest → newest on the page
    reply_ids = {message.reply_to_id for message in page if message.reply_to_id}
    replied = Message.objects.select_related("author").in_bulk(reply_ids) if reply_ids else {}
    for message in page:
        message.own = message.author_id == request.user.pk
        message.reply_target = replied.get(message.reply_to_id)
        if message.reply_target is not None:
            message.reply_excerpt = queries.excerpt(message.reply_target)
    read_before = queries.last_read_seq(request.user, room)
    arrange(page, request.user, read_before)

    if form is None:
        reply_to = parse_seq(request.GET.get("vastaa"))
        # What the person was writing here (on this or another device) is back in the box: their draft.
        initial = {"client_id": MessageForm.new_client_id(), "reply_to": reply_to}
        form = MessageForm(initial={**initial, "body": queries.draft_body(request.user, room)})
    else:
        reply_to = parse_seq(form.data.get("reply_to"))
    reply_target = None
    if reply_to is not None:
        reply_target = (
            Message.objects.select_related("author").filter(pk=reply_to, room=room, deleted__isnull=True).first()
        )

    newest_shown = page[-1].seq if page else 0
    if newest_shown:
        actions.mark_read(request.user, room, newest_shown)
    newer_url = None
    if before is not None and newest_shown < room.last_seq:
        newer_before = newest_shown + PAGE_SIZE + 1
        newer_url = room_url(room, access) + (f"?before={newer_before}" if newer_before <= room.last_seq else "")

    rooms = with_unread(request.user, queries.network_rooms(access.network, request.user))  # after marking read
    context = {
        "access": access,
        "active_tab": "discussion",
        "room": room,
        "room_url": room_url(room, access),
        "rooms": rooms,
        # The room's control: what the person chose for it ("follow", "mute", None: the network's choice) and whether
        # they muted the network; none for programme staff outside the network, who hear nothing of it.
        "attention": next((item.attention_level for item in rooms if item.pk == room.pk), None),
        "room_muted": next((item.muted for item in rooms if item.pk == room.pk), False),
        "network_muted": bool(rooms and rooms[0].network_muted),
        "attention_levels": LEVEL_CHOICES,
        "may_follow": access.membership is not None,
        "page": page,
        "older_before": page[0].seq if page and page[0].seq > 1 else None,
        "newer_url": newer_url,
        "is_history": newer_url is not None,
        "last_seq_shown": newest_shown,
        "form": form,
        "reply_target": reply_target,
        "reply_excerpt": queries.excerpt(reply_target) if reply_target else "",
        "pinned": room.pinned_message,
        "reaction_kinds": REACTION_KINDS,
        "mentionable": queries.mentionable_people(access.network, request.user),
        "report_reasons": Report.Reason.choices,
        "report_text_max": reports.MAX_TEXT_LENGTH,
    }
    return TemplateResponse(request, "discussions/room.html", context, status=form_status(form, refusal))


def arrange(page, user, read_before):
    """Marks what the room page shows between and on its messages: a day's heading before its first message
    (`new_day`), "Uudet viestit" before the first one the person had not read (`first_unread`), a message that
    continues its author's previous one within GROUPING_SECONDS (`continues`: the author is said only once), the
    messages that mention the person (`mentions_me`), and each message's `reaction_counts` (with `mine` and the
    reacting people's `names`). Two queries, however many messages."""
    ids = [message.pk for message in page]
    reactions = queries.reactions_of(ids)
    mentioning = set(queries.mentioning(user, ids))
    previous = None
    first_unread_seen = False
    for message in page:
        day = timezone.localdate(message.created)
        message.new_day = previous is None or day != timezone.localdate(previous.created)
        message.first_unread = (
            not first_unread_seen and message.seq > read_before and not message.own and previous is not None
        )
        first_unread_seen = first_unread_seen or message.first_unread
        message.continues = (
            previous is not None
            and not message.new_day
            and not message.first_unread
            and previous.author_id == message.author_id
            and (message.created - previous.created).total_seconds() <= GROUPING_SECONDS
        )
        message.mentions_me = message.pk in mentioning
        message.reaction_counts = [
            {
                **reaction,
                "mine": any(person["id"] == user.pk for person in reaction["people"]),
                "names": ", ".join(person["name"] for person in reaction["people"]),
            }
            for reaction in reactions.get(message.pk, [])
        ]
        previous = message


def render_message_form(request, access, room, message, form, template, refusal=None, **extra):
    """The edit, hide and report pages: one message and its form; 400 (or 429) when the form was refused."""
    context = {
        "access": access,
        "active_tab": "discussion",
        "room": room,
        "room_url": room_url(room, access),
        "message": message,
        "form": form,
        **extra,
    }
    return TemplateResponse(request, template, context, status=form_status(form, refusal))


@member_required
def edit(request, access, room_id, message_id):
    room = get_room(access, room_id)
    # Ownership in the lookup: someone else's message, or a deleted one, is simply not found.
    message = get_object_or_404(
        Message.objects.select_related("author"), pk=message_id, room=room, author=request.user, deleted__isnull=True
    )
    form = EditForm(initial={"body": message.body})
    refusal = None
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                actions.edit_message(message, request.user, form.cleaned_data["body"])
            except ActionError as error:
                form.add_error("body", error.message)
                refusal = error
            else:
                return redirect(room_url(room, access, f"viesti-{message.pk}"))
    return render_message_form(request, access, room, message, form, "discussions/edit.html", refusal)


@require_POST
@member_required
def delete(request, access, room_id, message_id):
    room = get_room(access, room_id)
    message = get_object_or_404(
        Message.objects.select_related("author"), pk=message_id, room=room, author=request.user, deleted__isnull=True
    )
    actions.delete_message(message, request.user)
    messages.success(request, _("Viesti poistettu."))
    return redirect(room_url(room, access, f"viesti-{message.pk}"))


@require_safe
@member_required
def message_link(request, access, room_id, message_id):
    """A message's own address, to share: the room's page that shows it — the newest page while the message is
    on it (live), else the page of history that ends with it."""
    room = get_room(access, room_id)
    seq = get_object_or_404(Message.objects.values_list("seq", flat=True), pk=message_id, room=room)
    if room.last_seq - seq < PAGE_SIZE:
        return redirect(room_url(room, access, f"viesti-{message_id}"))
    return redirect(f"{room_url(room, access)}?before={seq + 1}#viesti-{message_id}")


@require_POST
@member_required
def react(request, access, room_id, message_id):
    """A reaction without JavaScript: the button says the state wanted ("peukku:on"), so a double submit
    changes nothing more than one."""
    room = get_room(access, room_id)
    message = get_object_or_404(Message.objects.select_related("room"), pk=message_id, room=room)
    kind, _colon, state = request.POST.get("reaction", "").partition(":")
    try:
        actions.set_reaction(message, request.user, kind, {"on": True, "off": False}.get(state))
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(room_url(room, access, f"viesti-{message.pk}"))


@member_required
def hide(request, access, room_id, message_id):
    """A facilitator hides someone's message, with a reason shown in its place."""
    if not access.is_facilitator:
        raise PermissionDenied
    room = get_room(access, room_id)
    message = get_object_or_404(
        Message.objects.select_related("author"), pk=message_id, room=room, deleted__isnull=True
    )
    form = HideForm()
    if request.method == "POST":
        form = HideForm(request.POST)
        if form.is_valid():
            actions.delete_message(message, request.user, is_facilitator=True, reason=form.cleaned_data["reason"])
            messages.success(request, _("Viesti piilotettu."))
            return redirect(room_url(room, access, f"viesti-{message.pk}"))
    return render_message_form(request, access, room, message, form, "discussions/hide.html")


@member_required
def report(request, access, room_id, message_id):
    """A member reports someone's message to the network's facilitators: the message and a form for the reason.
    Reporting one's own message, a deleted one or the same one twice is refused by reports.report_message."""
    room = get_room(access, room_id)
    message = get_object_or_404(Message.objects.select_related("author", "room"), pk=message_id, room=room)
    form = ReportForm()
    refusal = None
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                reports.report_message(request.user, message, data["reason"], data["text"])
            except ActionError as error:
                form.add_error("text" if error.code == "too_long" else None, error.message)
                refusal = error
            else:
                messages.success(request, _("Kiitos. Ilmoitus on välitetty verkoston fasilitaattoreille."))
                return redirect(room_url(room, access, f"viesti-{message.pk}"))
    already_reported = Report.objects.filter(message=message, reporter=request.user).exists()
    return render_message_form(
        request, access, room, message, form, "discussions/report.html", refusal, already_reported=already_reported
    )


@require_POST
@member_required
def pin(request, access, room_id):
    """A facilitator pins a message of the room at its top (`message` empty: unpins)."""
    if not access.is_facilitator:
        raise PermissionDenied
    room = get_room(access, room_id)
    message = None
    message_id = parse_seq(request.POST.get("message"))
    if message_id is not None:
        message = get_object_or_404(Message, pk=message_id, room=room, deleted__isnull=True)
    actions.pin_message(room, message)
    messages.success(request, _("Viesti kiinnitetty.") if message else _("Kiinnitys poistettu."))
    return redirect(room_url(room, access, f"viesti-{message.pk}" if message else ""))


@require_POST
@member_required
def close(request, access, room_id):
    """A facilitator closes the room to new messages (closed=1) or opens it again (closed=0)."""
    if not access.is_facilitator:
        raise PermissionDenied
    room = get_room(access, room_id)
    closed = request.POST.get("closed") == "1"
    actions.set_room_closed(room, closed)
    messages.success(request, _("Huone suljettu uusilta viesteiltä.") if closed else _("Huone avattu."))
    return redirect(room_url(room, access))


@require_POST
@member_required
def attention(request, access, room_id):
    """Follow the room, mute it, or leave it to the network's choice (`level`); back to the room, saying so."""
    room = get_room(access, room_id)
    try:
        level = actions.set_room_attention(request.user, room, request.POST.get("level"))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        said = {
            Attention.FOLLOW: _("Seuraat huonetta: kuulet sen uusista viesteistä, vaikka verkosto olisi hiljennetty."),
            Attention.MUTE: _("Huone on hiljennetty: et saa sähköpostia sen uusista viesteistä."),
        }
        messages.success(request, said.get(level, _("Huoneen seuranta noudattaa nyt verkoston valintaa.")))
    return redirect(room_url(room, access))
