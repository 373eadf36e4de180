"""the checker's feedback queue: verdicts reported wrong, for the Communications Team to review"""
from storage.migrations.parts import create_table, drop_table

revision = "0010_check_feedback"
down_revision = "0001_core"
branch_labels = ("check_feedback",)


def upgrade() -> None:
    create_table("check_feedback", """
        ref                  str(16)
        reporter             email
        platform             str(10)
        draft                text
        profile              str(10)
        has_image            bool
        checker_verdict      str(10)
        checker_categories   json
        correction           str(10)
        correction_category  str(40)?
        note                 text?
        state                str(10)
        decision             str(10)?
        final_verdict        str(10)?
        final_categories     json?
        corpus_text          text?
        corpus_note          text?
        reviewed_by          email?
        reviewed_at          utc?
        cards                json
        created_at           utc
        """,
        unique=(("ref",),),
        indexes={"ix_check_feedback_created_at": ["created_at"], "ix_check_feedback_state": ["state"]},
    )


def downgrade() -> None:
    drop_table("check_feedback")
