"""Every table of the platform's state, for SQLite and PostgreSQL alike (SQLAlchemy Core).

Rules the tables follow:
- every row but a tenant's carries `tenant_id`, a cascading foreign key, so a tenant's data is
  found, wiped and deleted by one column and never leaks into another tenant's queries;
- ownership chains cascade (tenant → user → bank login → account → transaction), so deleting
  a parent never leaves orphans behind;
- every foreign key has an index that starts with its column, because both databases look the
  children up on every parent delete (SQLite scans the whole child table otherwise);
- money is integer minor units (`sandbox.money`), datetimes are aware UTC (`UTCDateTime`);
- columns whose values a provider document fixes carry a CHECK with the allowed values, exported
  here as tuples so the domain can name them.

Bump SCHEMA_VERSION on any change to these tables: a database of another version is refused
when opened (see `database.py`) rather than misread.
"""

from __future__ import annotations

import sqlalchemy as sa

from sandbox.store.types import UTCDateTime

SCHEMA_VERSION = 11

SOURCE_KINDS = ("api", "web")
SCA_PURPOSES = ("connect", "renew", "extend_history")
CONNECT_SESSION_KINDS = ("connect", "management")
ORIGINS = ("bank", "manual")
TRANSACTION_STATUSES = ("booked", "pending")
# Credentials the platform issues (the tenant's own client secret and API key sit on its row).
ISSUED_CREDENTIAL_KINDS = ("user_token", "auth_code", "provider_session")
IMPORT_JOB_STATUSES = ("setup", "in_progress", "successful", "error", "fatal")
IMPORT_JOB_OUTCOMES = ("successful", "error", "fatal")
IMPORT_JOB_KINDS = ("connect", "refresh", "renew", "extend_history", "control", "session")
# A delivery of an event to one endpoint. An event no endpoint took has no delivery at all: it
# is listed as `skipped` (`sandbox/domain/deliveries.py`).
DELIVERY_STATUSES = ("pending", "delivered", "failed")
UPLOAD_FORMATS = ("json", "csv", "mt940", "camt053", "pdf")

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# 64-bit ids on PostgreSQL; on SQLite only INTEGER PRIMARY KEY is the autoincrementing rowid.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# JSON null for Python None would read back as None anyway, but SQL NULL keeps `IS NULL` honest.
Json = sa.JSON(none_as_null=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", Id, primary_key=True, autoincrement=True)


def _tenant_id(*, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(
        "tenant_id",
        sa.String,
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        nullable=nullable,
    )


def _ref(name: str, target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(name, Id, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def _one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=column)


def _at(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)

tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("scenario_name", sa.String, nullable=False),
    sa.Column("scenario_json", sa.Text, nullable=False),
    # SHA-256 of scenario_json: reads name the scenario by it instead of copying it out.
    sa.Column("scenario_digest", sa.String(64), nullable=False),
    sa.Column("client_id", sa.String, nullable=False, unique=True),
    sa.Column("client_secret", sa.String, nullable=False),
    sa.Column("api_key", sa.String, nullable=False, unique=True),
    sa.Column("allowed_ips", Json, nullable=False),
    sa.Column("redirect_uris", Json, nullable=False),
    sa.Column("branding", Json, nullable=False),
    sa.Column("clock_offset_us", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    _at("clock_frozen_at", nullable=True),
    sa.Column("data_version", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    # The analytics modules the tenant has on (a list of names, sandbox.scenario.model).
    sa.Column("analytics", Json, nullable=False),
    _at("created_at"),
)

users = sa.Table(
    "users",
    metadata,
    _id(),
    _tenant_id(),
    sa.Column("external_id", sa.String, nullable=False),
    _at("created_at"),
    # A temporary user (Powens' /auth/init without client credentials) is gone after this.
    _at("expires_at", nullable=True),
    sa.UniqueConstraint("tenant_id", "external_id"),
)

bank_logins = sa.Table(
    "bank_logins",
    metadata,
    _id(),
    _tenant_id(),
    _ref("user_id", "users.id"),
    sa.Column("bank_id", sa.String, nullable=False),
    sa.Column("persona_login", sa.String, nullable=False),
    sa.Column("account_type", sa.String, nullable=True),
    sa.Column("state", sa.String, nullable=False),
    sa.Column("state_detail", sa.String, nullable=True),
    _at("state_until", nullable=True),
    sa.Column("sync_count", sa.Integer, nullable=False, server_default=sa.text("0")),
    # False: the client paused it (Powens' `active: false`); no sync runs until it is resumed.
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    _at("last_sync_at", nullable=True),
    _at("last_attempt_at", nullable=True),
    _at("created_at"),
    _at("updated_at"),
    sa.Index(None, "tenant_id", "user_id"),
    sa.Index(None, "user_id"),
)

bank_login_sources = sa.Table(
    "bank_login_sources",
    metadata,
    _id(),
    _tenant_id(),
    _ref("bank_login_id", "bank_logins.id"),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("state", sa.String, nullable=True),
    _at("last_update", nullable=True),
    _at("disabled_at", nullable=True),
    sa.UniqueConstraint("bank_login_id", "kind"),
    _one_of("kind", SOURCE_KINDS),
    sa.Index(None, "tenant_id"),
)

sync_attempts = sa.Table(
    "sync_attempts",
    metadata,
    _id(),
    _tenant_id(),
    _ref("bank_login_id", "bank_logins.id"),
    _at("at"),
    sa.Column("unattended", sa.Boolean, nullable=False),
    sa.Column("outcome", sa.String, nullable=False),
    # The "4 unattended syncs per 24 h" limit counts one login's attempts in a time window.
    sa.Index(None, "bank_login_id", "at"),
    sa.Index(None, "tenant_id"),
)

consents = sa.Table(
    "consents",
    metadata,
    _id(),
    _tenant_id(),
    _ref("bank_login_id", "bank_logins.id"),
    _at("granted_at"),
    _at("expires_at"),
    sa.Column("history_days", sa.Integer, nullable=False),
    _at("revoked_at", nullable=True),
    # When the `consent.expiring` / `consent.expired` webhooks were emitted (virtual time): set
    # by a conditional update, so each is emitted once however many processes watch, and gone
    # with the consent, so a later consent that reuses the id is announced afresh.
    _at("expiring_announced_at", nullable=True),
    _at("expired_announced_at", nullable=True),
    sa.Index(None, "bank_login_id"),
    sa.Index(None, "tenant_id"),
)

sca_challenges = sa.Table(
    "sca_challenges",
    metadata,
    _id(),
    _tenant_id(),
    _ref("bank_login_id", "bank_logins.id", nullable=True),
    sa.Column("session_id", sa.String, nullable=True),
    sa.Column("bank_id", sa.String, nullable=False),
    sa.Column("persona_login", sa.String, nullable=False),
    sa.Column("approach", sa.String, nullable=False),
    sa.Column("method", sa.String, nullable=True),
    sa.Column("purpose", sa.String, nullable=False),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    _at("created_at"),
    _at("expires_at"),
    _at("decided_at", nullable=True),
    # A challenge answered through a data API (no connect session): when the client asked to
    # go on after a decoupled approval (Powens' `resume`), and when its outcome was applied to
    # the bank login.
    _at("resumed_at", nullable=True),
    _at("settled_at", nullable=True),
    _one_of("purpose", SCA_PURPOSES),
    sa.Index(None, "bank_login_id"),
    sa.Index(None, "session_id"),
    sa.Index(None, "tenant_id"),
)

connect_sessions = sa.Table(
    "connect_sessions",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    _tenant_id(),
    _ref("user_id", "users.id"),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("redirect_uri", sa.String, nullable=False),
    sa.Column("state", sa.String, nullable=True),
    sa.Column("options", Json, nullable=False),
    sa.Column("progress", Json, nullable=False),
    sa.Column("csrf_token", sa.String, nullable=False),
    _at("created_at"),
    _at("expires_at"),
    _at("used_at", nullable=True),
    # The session outlives nothing: a login deleted later just leaves the finished session.
    _ref("bank_login_id", "bank_logins.id", nullable=True, ondelete="SET NULL"),
    _one_of("kind", CONNECT_SESSION_KINDS),
    sa.Index(None, "user_id"),
    sa.Index(None, "bank_login_id"),
    sa.Index(None, "tenant_id"),
)

# A statement file a client uploaded for a user: it owns the manual accounts it brought, and
# deleting it deletes them with their transactions.
uploads = sa.Table(
    "uploads",
    metadata,
    _id(),
    _tenant_id(),
    _ref("user_id", "users.id"),
    sa.Column("format", sa.String, nullable=False),
    sa.Column("file_name", sa.String, nullable=True),
    # SHA-256 of what the file says (sandbox/domain/uploads.py): the same statement uploaded
    # again, in any format, is this upload.
    sa.Column("digest", sa.String(64), nullable=False),
    # The statement's owner and bank ({"name", "address"}, {"name", "bic", "colour"}) and what
    # its checks found (PDF), as read.
    sa.Column("owner", Json, nullable=False),
    sa.Column("bank", Json, nullable=False),
    sa.Column("findings", Json, nullable=False),
    sa.Column("account_count", sa.Integer, nullable=False),
    sa.Column("transaction_count", sa.Integer, nullable=False),
    _at("created_at"),
    sa.UniqueConstraint("user_id", "digest"),
    _one_of("format", UPLOAD_FORMATS),
    sa.Index(None, "tenant_id", "user_id", "id"),
)

accounts = sa.Table(
    "accounts",
    metadata,
    _id(),
    _tenant_id(),
    _ref("user_id", "users.id"),
    _ref("bank_login_id", "bank_logins.id", nullable=True),
    # A manual account's upload (None for bank accounts and manual ones added by hand).
    _ref("upload_id", "uploads.id", nullable=True),
    # A manual account's statement details: {"number", "bic", "opening_balance_minor",
    # "period_from", "period_to"}; its balance is the opening balance plus its transactions.
    sa.Column("statement", Json, nullable=True),
    sa.Column("bank_key", sa.String, nullable=True),
    sa.Column("origin", sa.String, nullable=False),
    sa.Column("type", sa.String, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("iban", sa.String, nullable=True),
    sa.Column("masked_pan", sa.String, nullable=True),
    sa.Column("balance_minor", sa.BigInteger, nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    _at("deleted_at", nullable=True),
    _at("discovered_at"),
    _at("activated_at", nullable=True),
    _at("last_update", nullable=True),
    # What the user set on the account (a name of their own, hidden, bookmarked, a usage).
    sa.Column("annotations", Json, nullable=True),
    # A sync matches the bank's accounts to ours by this key; manual accounts have neither.
    sa.UniqueConstraint("bank_login_id", "bank_key"),
    _one_of("origin", ORIGINS),
    sa.Index(None, "tenant_id", "user_id"),
    sa.Index(None, "user_id"),
    sa.Index(None, "upload_id"),
)

transactions = sa.Table(
    "transactions",
    metadata,
    _id(),
    _tenant_id(),
    # Copied from the account (no foreign key: the account's cascade already removes the row)
    # so per-user listings need no join.
    sa.Column("user_id", Id, nullable=False),
    _ref("account_id", "accounts.id"),
    sa.Column("bank_ref", sa.String, nullable=True),
    sa.Column("origin", sa.String, nullable=False),
    sa.Column("booked_on", sa.Date, nullable=False),
    sa.Column("value_on", sa.Date, nullable=True),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("counterparty_name", sa.String, nullable=True),
    sa.Column("counterparty_iban", sa.String, nullable=True),
    sa.Column("description", sa.String, nullable=False),
    sa.Column("category", sa.String, nullable=True),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("balance_after_minor", sa.BigInteger, nullable=True),
    _at("imported_at"),
    # What the user set on the transaction (a wording or comment of their own, hidden).
    sa.Column("annotations", Json, nullable=True),
    # A re-sync must not import the same bank transaction twice.
    sa.UniqueConstraint("account_id", "bank_ref"),
    _one_of("origin", ORIGINS),
    _one_of("status", TRANSACTION_STATUSES),
    # Newest first (booked_on DESC, id DESC) per user, read straight off the index backwards
    # with no sort; a listing of one account or bank login reads its user's entries and skips
    # the other accounts'. A tenant-wide listing sorts the tenant's entries of this index (it
    # covers the sort key): an index per tenant would take each import's rows at one place per
    # booking day, and writing those scattered pages cost more than half an import's time.
    sa.Index("ix_transactions_user_newest", "tenant_id", "user_id", "booked_on", "id"),
)

credentials = sa.Table(
    "credentials",
    metadata,
    _id(),
    _tenant_id(),
    _ref("user_id", "users.id", nullable=True),
    sa.Column("kind", sa.String, nullable=False),
    # SHA-256 of the secret: the secret itself is shown once, when issued, and never stored.
    sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
    # A permanent user token is rebuilt from this and the installation's secret key (not in
    # the database) to authenticate a webhook about its user; None for every other credential.
    sa.Column("nonce", sa.String, nullable=True),
    _at("created_at"),
    # The tenant's virtual time; None: it never expires.
    _at("expires_at", nullable=True),
    _at("used_at", nullable=True),
    _one_of("kind", ISSUED_CREDENTIAL_KINDS),
    sa.Index(None, "tenant_id"),
    sa.Index(None, "user_id"),
)

# A bank login's standing access for later sessions without the user (Kontomatik's multiple
# access): good until `expires_at` (the consent's end) unless revoked.
bank_accesses = sa.Table(
    "bank_accesses",
    metadata,
    _id(),
    _tenant_id(),
    # What the client holds: random, shown in full (a client stores it next to the owner).
    sa.Column("public_id", sa.String(64), nullable=False, unique=True),
    _ref("bank_login_id", "bank_logins.id"),
    _ref("user_id", "users.id"),
    _at("created_at"),
    _at("expires_at"),
    _at("revoked_at", nullable=True),
    sa.Index(None, "tenant_id"),
    sa.Index(None, "bank_login_id"),
    sa.Index(None, "user_id"),
)

# A signed-in session at a bank (Kontomatik's sessionId + signature): what a client may import
# from one bank login for a while after its user signed in (domain/bank_sessions.py). Its secret
# is a provider-session credential.
bank_sessions = sa.Table(
    "bank_sessions",
    metadata,
    _id(),
    _tenant_id(),
    _ref("credential_id", "credentials.id"),
    _ref("bank_login_id", "bank_logins.id"),
    _ref("user_id", "users.id"),
    _ref("access_id", "bank_accesses.id", nullable=True),
    # The bank's source the user signed in through.
    sa.Column("source", sa.String, nullable=False),
    # How many days back its imports reach.
    sa.Column("history_days", sa.Integer, nullable=False),
    # `all` once a whole import ran, `parts` once an import of one resource ran: never both.
    sa.Column("imports", sa.String, nullable=True),
    _at("created_at"),
    _at("signed_out_at", nullable=True),
    _one_of("source", SOURCE_KINDS),
    sa.UniqueConstraint("credential_id"),
    sa.Index(None, "tenant_id"),
    sa.Index(None, "bank_login_id"),
    sa.Index(None, "access_id"),
    sa.Index(None, "user_id"),
)

import_jobs = sa.Table(
    "import_jobs",
    metadata,
    _id(),
    _tenant_id(),
    _ref("bank_login_id", "bank_logins.id"),
    _ref("user_id", "users.id"),
    sa.Column("kind", sa.String, nullable=False),
    # A session's import: the session, and what it asked for (domain/bank_sessions.py `Scope`).
    _ref("bank_session_id", "bank_sessions.id", nullable=True),
    sa.Column("scope", Json, nullable=True),
    # The status the last read showed; `outcome`, the one it ends with (domain/imports.py).
    sa.Column("status", sa.String, nullable=False),
    sa.Column("outcome", sa.String, nullable=False),
    # How many reads see it unfinished, and how many it has had (a step of `ready_at`'s clock
    # counts as one too).
    sa.Column("polls", sa.Integer, nullable=False),
    sa.Column("reads", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("new_accounts", sa.Integer, nullable=False),
    sa.Column("new_transactions", sa.Integer, nullable=False),
    sa.Column("deleted_accounts", sa.Integer, nullable=False),
    sa.Column("partial", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("warning", sa.String, nullable=True),
    sa.Column("error_code", sa.String, nullable=True),
    sa.Column("error_message", sa.String, nullable=True),
    sa.Column("error_details", Json, nullable=True),
    _at("created_at"),
    _at("ready_at"),
    _at("finished_at", nullable=True),
    _one_of("kind", IMPORT_JOB_KINDS),
    _one_of("status", IMPORT_JOB_STATUSES),
    _one_of("outcome", IMPORT_JOB_OUTCOMES),
    # A bank login's jobs, newest first.
    sa.Index(None, "bank_login_id", "id"),
    sa.Index(None, "user_id"),
    sa.Index(None, "tenant_id"),
    sa.Index(None, "bank_session_id"),
)

webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    _id(),
    _tenant_id(),
    sa.Column("url", sa.String, nullable=False),
    sa.Column("secret", sa.String, nullable=False),
    # The face whose renderer writes and signs the body (`sandbox/subscriptions.py` FORMATS).
    sa.Column("format", sa.String, nullable=False),
    # A JSON list of event types, or NULL for every event. Emitting matches it in SQL by the
    # quoted name in its text (`sandbox/store/webhooks.py`), the one test both databases share.
    sa.Column("events", Json, nullable=True),
    # Declared with the tenant (the scenario's `webhook`/`webhooks`, or `webhook_url` when the
    # control API created it) rather than added later: like its credentials, part of what the
    # tenant is, so a reset keeps it (DEFINITION_ROWS).
    sa.Column("declared", sa.Boolean, nullable=False),
    # Real time, like the tenant's own `created_at`.
    _at("created_at"),
    sa.Index(None, "tenant_id", "id"),
)

webhook_outbox = sa.Table(
    "webhook_outbox",
    metadata,
    _id(),
    _tenant_id(),
    # The neutral event: each endpoint's face renders its own body from these columns at every
    # attempt, the same bytes each time.
    sa.Column("event_id", sa.String, nullable=False, unique=True),
    sa.Column("event_type", sa.String, nullable=False),
    # The tenant's virtual time; the delivery columns are real time, since delivery happens in
    # the real world.
    _at("created_at"),
    # What the event is about (no foreign keys: an event outlives its user or bank login).
    sa.Column("user_id", sa.String, nullable=True),
    sa.Column("bank_login_id", Id, nullable=True),
    sa.Column("account_id", Id, nullable=True),
    # JSON text as written, not a JSON column: its key order is the order a renderer writes.
    sa.Column("data", sa.Text, nullable=False),
    # The bodies of the formats that write theirs when the event is emitted, from the data as
    # it is then (`domain/snapshots.py`): JSON text of {format: body}; NULL when no such format
    # took the event. And the nonce of the permanent token the event's user held then, which
    # such a format may authenticate the delivery with.
    sa.Column("snapshot", sa.Text, nullable=True),
    sa.Column("user_token_nonce", sa.String, nullable=True),
    sa.Index(None, "tenant_id", "id"),
)

# Keys a tenant made to have its webhooks signed with (Powens' `hmac_signature` auth
# providers): the newest signs every delivery of a format that signs with one.
WEBHOOK_KEY_TYPES = ("hmac_signature",)
webhook_signing_keys = sa.Table(
    "webhook_signing_keys",
    metadata,
    _id(),
    _tenant_id(),
    sa.Column("type", sa.String, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("secret", sa.String, nullable=False),
    # Real time, like the endpoints'.
    _at("created_at"),
    _one_of("type", WEBHOOK_KEY_TYPES),
    sa.Index(None, "tenant_id", "id"),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    _id(),
    _tenant_id(),
    _ref("outbox_id", "webhook_outbox.id"),
    # Null once the endpoint is deleted: what was delivered or failed stays listed; what was
    # pending is dropped with the endpoint.
    _ref("endpoint_id", "webhook_endpoints.id", nullable=True, ondelete="SET NULL"),
    # The endpoint's format, copied: the listing still renders the payload once it is deleted.
    sa.Column("format", sa.String, nullable=False),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    _at("next_attempt_at"),
    _at("delivered_at", nullable=True),
    # A worker that claims the row holds it until then; a crashed worker's claim runs out.
    _at("locked_until", nullable=True),
    _one_of("status", DELIVERY_STATUSES),
    # The delivery worker polls "pending and due", oldest first.
    sa.Index(None, "status", "next_attempt_at"),
    sa.Index(None, "outbox_id"),
    sa.Index(None, "endpoint_id"),
    sa.Index(None, "tenant_id"),
)

webhook_attempts = sa.Table(
    "webhook_attempts",
    metadata,
    _id(),
    _tenant_id(),
    _ref("delivery_id", "webhook_deliveries.id"),
    _at("at"),
    sa.Column("status_code", sa.Integer, nullable=True),
    sa.Column("error", sa.String, nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Index(None, "delivery_id"),
    sa.Index(None, "tenant_id"),
)

journal = sa.Table(
    "journal",
    metadata,
    _id(),
    # Null for requests no tenant could be identified for (bad credentials, the dashboard).
    _tenant_id(nullable=True),
    _at("at"),
    sa.Column("method", sa.String, nullable=False),
    sa.Column("path", sa.String, nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("request_id", sa.String, nullable=False),
    sa.Column("duration_ms", sa.Integer, nullable=False),
    sa.Index(None, "tenant_id", "id"),
)

# Tables holding one tenant's rows, children before parents: the order to delete them in.
TENANT_TABLES: tuple[sa.Table, ...] = tuple(
    t for t in reversed(metadata.sorted_tables) if "tenant_id" in t.c
)

# Rows that are part of the tenant's definition rather than its data: wiping the tenant's data
# (a reset) keeps the rows of these tables where the column is true.
DEFINITION_ROWS: dict[sa.Table, sa.Column[bool]] = {webhook_endpoints: webhook_endpoints.c.declared}
