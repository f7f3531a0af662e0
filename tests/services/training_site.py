"""A training (a network of the kind TRAINING) with one person in each role of the projects' permission matrix,
for tests/services/test_trainings*.py and test_project_permissions.py."""

from dataclasses import dataclass

from networks.models import NetworkPage
from services.models import DevelopmentProject
from tests.factories import make_membership, make_network, make_organisation, make_user

# The roles of the matrix: ROLES of tests.conftest, with the project's owner and another member of the training.
PROJECT_ROLES = ("anonymous", "outsider", "other_member", "owner", "member", "facilitator", "staff")


@dataclass
class TrainingSite:
    index: object
    training: NetworkPage
    other_training: NetworkPage
    learning: NetworkPage
    kemi: object
    tornio: object
    people: dict
    project: DevelopmentProject  # the owner's, public
    hidden: DevelopmentProject  # the other member's, not public
    elsewhere: DevelopmentProject  # a public project of the other training


def make_project(network, owner=None, organisation=None, title=None, public=True, **fields):
    fields.setdefault("summary", "Kotihoidon reitit suunnitellaan yhdessä hoitajien kanssa.")
    return DevelopmentProject.objects.create(
        network=network,
        owner=owner,
        organisation=organisation,
        title=title or "Kotihoidon reittisuunnittelu",
        public=public,
        **fields,
    )


def build_training_site(index):
    kemi = make_organisation("Kemin kaupunki", region="Lappi")
    tornio = make_organisation("Tornion kaupunki", region="Lappi")
    training = make_network(
        index, "Kemin sisäisten kehittäjien koulutus", organisations=[kemi], kind=NetworkPage.Kind.TRAINING
    )
    other_training = make_network(
        index, "Tornion sisäisten kehittäjien koulutus", organisations=[tornio], kind=NetworkPage.Kind.TRAINING
    )
    learning = make_network(index, "Lean-verkosto", kind=NetworkPage.Kind.LEARNING)
    people = {
        "anonymous": None,
        "outsider": make_user("ulkopuolinen@example.fi"),
        "other_member": make_membership(other_training, make_user("tornio@example.fi"), "member", tornio).user,
        "owner": make_membership(
            training, make_user("omistaja@example.fi", first_name="Olli", last_name="Omistaja"), "member", kemi
        ).user,
        "member": make_membership(training, make_user("jasen@example.fi"), "member", kemi).user,
        "facilitator": make_membership(training, make_user("kouluttaja@example.fi"), "facilitator").user,
        "staff": make_user("ohjelmatoimisto@example.fi", is_staff=True),
    }
    # Someone in both a training and a learning network, for the 404 of other kinds.
    make_membership(learning, people["member"], "member", kemi)
    return TrainingSite(
        index=index,
        training=training,
        other_training=other_training,
        learning=learning,
        kemi=kemi,
        tornio=tornio,
        people=people,
        project=make_project(training, people["owner"], kemi, "Kotihoidon reittisuunnittelu"),
        hidden=make_project(training, people["member"], kemi, "Kirjaston aukiolokokeilu", public=False),
        elsewhere=make_project(other_training, people["other_member"], tornio, "Tornion tilauskäytännöt"),
    )
