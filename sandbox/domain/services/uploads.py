"""Manual upload: statement files in, manual accounts and transactions out."""

from __future__ import annotations

from sandbox.domain import uploads
from sandbox.domain.tenants import Tenant
from sandbox.domain.uploads import Upload, UploadPage
from sandbox.statements.model import Statement
from sandbox.store.database import Database


class Uploads:
    def __init__(self, db: Database) -> None:
        self._db = db

    def upload(
        self,
        tenant: Tenant,
        external_user_id: str,
        format_name: str,
        file_name: str | None,
        data: bytes,
    ) -> tuple[Upload, bool]:
        """Store the file's accounts and transactions for the user (created when new): True
        when stored now, False when the same statement was uploaded before (that upload).
        UnreadableStatement, listing every problem, when nothing can be stored. Reading a
        large file takes a while: call it from a worker thread, not the event loop."""
        return uploads.upload_statement(
            self._db, tenant, external_user_id, format_name, file_name, data
        )

    def read(self, format_name: str, data: bytes) -> Statement:
        """The file read in its format, with what its checks found, without storing it:
        UnreadableStatement listing every problem. Call it from a worker thread."""
        return uploads.read_statement(format_name, data)

    def store(
        self,
        tenant: Tenant,
        external_user_id: str,
        format_name: str,
        file_name: str | None,
        statement: Statement,
    ) -> tuple[Upload, bool]:
        """As `upload`, for a statement a face has read from its own wire format (Kontomatik's
        Owner Upload): stored under `format_name`, deduped by what it says."""
        return uploads.store_statement(
            self._db, tenant, external_user_id, format_name, file_name, statement
        )

    def get(self, tenant: Tenant, upload_id: int) -> Upload:
        return uploads.get_upload(self._db, tenant, upload_id)

    def of_user(
        self, tenant: Tenant, external_user_id: str, *, before: int | None, limit: int
    ) -> UploadPage:
        """The user's uploads, newest first, `limit` at a time."""
        return uploads.uploads_of_user(self._db, tenant, external_user_id, before, limit)

    def delete(self, tenant: Tenant, upload_id: int) -> None:
        """The upload and every account it brought, with their transactions."""
        uploads.delete_upload(self._db, tenant, upload_id)
