"""SQLAlchemy 2 models, repositories, engine setup and Alembic migrations."""
