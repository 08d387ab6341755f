-- Results signed by their office (api/dossiers/signed_results.py): the signed file is the dossier's result
-- document; this row says who signed it and when, and finds a file by its bytes (POST /api/v1/verify).
CREATE TABLE signed_results (
    dossier_id   uuid PRIMARY KEY REFERENCES dossiers (id) ON DELETE CASCADE,
    document_id  uuid NOT NULL REFERENCES documents (id),
    sha256       text NOT NULL UNIQUE,
    signed_by    text NOT NULL,
    signed_at    timestamptz NOT NULL
);
