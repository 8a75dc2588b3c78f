"""Store: SQLAlchemy models, opening and migrating databases, transactions, queries and search."""
