-- Any province, official office codes, and officers an operator can disable.

-- The province an office belongs to: a deployment serves one (MOTCUA_PROVINCE) and may have served
-- another before on the same database. Every office seeded so far was Thành phố Hồ Chí Minh's.
ALTER TABLE offices ADD COLUMN province_code text;
UPDATE offices SET province_code = '79';
ALTER TABLE offices ALTER COLUMN province_code SET NOT NULL;

-- An office is its province, kind and ward; its code and name can be replaced by the official ones
-- (`motcua offices import`), which the seed then keeps.
ALTER TABLE offices ADD COLUMN official boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX offices_identity ON offices (province_code, kind, (coalesce(ward_code, '')));

-- An official code replaces the seeded one everywhere it is referenced, in the same statement.
DO $$
DECLARE
    fk record;
BEGIN
    FOR fk IN
        SELECT c.conname, c.conrelid::regclass AS tbl, a.attname AS col
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'offices'::regclass AND array_length(c.conkey, 1) = 1
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tbl, fk.conname);
        EXECUTE format(
            'ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES offices (code) ON UPDATE CASCADE',
            fk.tbl, fk.conname, fk.col
        );
    END LOOP;
END $$;

-- A disabled account's tokens stop at once (every process keeps the set, told by Redis) and it
-- cannot sign in or refresh until enabled again.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
CREATE INDEX users_disabled ON users (id) WHERE disabled_at IS NOT NULL;
