import json

from discussions import actions, queries
from discussions.models import Message, Room
from tests.conftest import client_for


def test_a_members_messages_are_in_their_data_export(client, network_people):
    network, _other, people = network_people
    room = Room.objects.get(network=network, kind="general")
    actions.create_message(room, people["member"], "Hei **kaikki**", "x1")
    data = json.loads(client_for(client, people["member"]).get("/tili/omat-tiedot/").content)
    assert data["discussion_messages"][0]["body"] == "Hei **kaikki**"
    assert data["discussion_messages"][0]["network"] == network.title


def test_messages_stay_after_account_deletion_attributed_to_a_deleted_user(client, network_people):
    from accounts.data import delete_account

    network, _other, people = network_people
    room = Room.objects.get(network=network, kind="general")
    message, _created = actions.create_message(room, people["member"], "Jää talteen", "x2")
    delete_account(people["member"])
    message = Message.objects.get(pk=message.pk)
    assert message.body == "Jää talteen"
    assert queries.serialise_message(message)["author"]["name"] == "poistettu käyttäjä"
