"""The running platform: the one object every face holds.

Its attributes are services named after the domain's nouns (`platform.accounts.get(...)`,
`platform.sca.decide(...)`); each owns its database transactions. A face reaches the domain
through these alone: it never sees the database, the store or the scenario's models
(docs/faces.md).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace

from sandbox.domain.services.accounts import Accounts, Transactions
from sandbox.domain.services.analytics import Analytics
from sandbox.domain.services.bank_logins import BankLogins
from sandbox.domain.services.bank_sessions import BankSessions
from sandbox.domain.services.banks import Banks
from sandbox.domain.services.callers import Callers
from sandbox.domain.services.consents import Consents
from sandbox.domain.services.events import Events
from sandbox.domain.services.flows import BankSite, ConnectFlows
from sandbox.domain.services.imports import Imports
from sandbox.domain.services.sca import ScaChallenges
from sandbox.domain.services.tenants import Clocks, Tenants
from sandbox.domain.services.uploads import Uploads
from sandbox.domain.services.users import Users
from sandbox.domain.services.webhook_endpoints import WebhookEndpoints
from sandbox.domain.tenants import ensure_scenario_tenants
from sandbox.scenario import Scenario, load_scenario
from sandbox.secret_key import secret_key
from sandbox.settings import Settings
from sandbox.store.database import Database, open_database


@dataclass
class Platform:
    settings: Settings
    db: Database  # for the app's lifespan and the webhook worker; faces use the services
    scenario: Scenario
    scenario_name: str
    tenants: Tenants = field(init=False)
    clock: Clocks = field(init=False)
    banks: Banks = field(init=False)
    users: Users = field(init=False)
    flows: ConnectFlows = field(init=False)
    bank_site: BankSite = field(init=False)
    bank_logins: BankLogins = field(init=False)
    bank_sessions: BankSessions = field(init=False)
    consents: Consents = field(init=False)
    accounts: Accounts = field(init=False)
    transactions: Transactions = field(init=False)
    sca: ScaChallenges = field(init=False)
    events: Events = field(init=False)
    webhook_endpoints: WebhookEndpoints = field(init=False)
    callers: Callers = field(init=False)
    imports: Imports = field(init=False)
    uploads: Uploads = field(init=False)
    analytics: Analytics = field(init=False)

    def __post_init__(self) -> None:
        db = self.db
        self.tenants = Tenants(
            db,
            self.scenario,
            self.scenario_name,
            allow_link_local=self.settings.webhook_allow_link_local,
        )
        self.clock = Clocks(db)
        self.banks = Banks()
        self.users = Users(db)
        self.flows = ConnectFlows(db)
        self.bank_site = BankSite(db)
        self.bank_logins = BankLogins(db)
        self.bank_sessions = BankSessions(db, self.settings.secret_key)
        self.consents = Consents(db)
        self.accounts = Accounts(db)
        self.transactions = Transactions(db)
        self.sca = ScaChallenges(db)
        self.events = Events(db)
        self.webhook_endpoints = WebhookEndpoints(db)
        self.callers = Callers(db, self.settings.secret_key)
        self.imports = Imports(db)
        self.uploads = Uploads(db)
        self.analytics = Analytics(db)

    @classmethod
    def open(cls, settings: Settings, scenario: Scenario | None = None) -> Platform:
        """Open the database and load the scenario (unless given); raises SchemaMismatch or
        ScenarioError with a message for the user, before any socket is opened."""
        scenario = scenario or load_scenario(
            settings.scenario, allow_link_local=settings.webhook_allow_link_local
        )
        key = secret_key(settings.database_url, settings.secret_key)
        settings = replace(settings, secret_key=key)
        db = open_database(settings.database_url, reset=settings.reset)
        platform = cls(settings=settings, db=db, scenario=scenario, scenario_name=scenario.name)
        ensure_scenario_tenants(db, scenario, scenario.name)
        return platform

    def data_version(self) -> Hashable:
        """Changes with every committed write, in any process: what kept answers check."""
        return self.db.data_version()

    def data_version_this_turn(self) -> Hashable:
        """The data version as the read cache reads it: once per turn of the event loop, and
        again after a write of this process (`Database.data_version_this_turn`)."""
        return self.db.data_version_this_turn()

    def close(self) -> None:
        self.db.close()
