"""Database migrations, applied in order by the migrate service before anything else starts."""

MIGRATIONS = [
    (137, "calls_capacity", "ALTER TABLE tenants ADD COLUMN calls_capacity INTEGER NOT NULL DEFAULT 20"),
    (138, "call_slots", "CREATE TABLE call_slots (id SERIAL PRIMARY KEY, started_at TIMESTAMPTZ)"),
    (139, "whatsapp_shard", "ALTER TABLE whatsapp_sessions ADD COLUMN shard_id INTEGER NOT NULL DEFAULT 1"),
]


def main():
    for number, name, sql in MIGRATIONS:
        print(f"migration {number} {name}: {sql}")


if __name__ == "__main__":
    main()
