"""accounts: approval requests (account requests, boosts), the accounts register, onboarding, tasks"""
from storage.migrations.parts import create_table, drop_table

revision = "0003_accounts"
down_revision = "0001_core"
branch_labels = ("accounts",)


def upgrade() -> None:
    create_table("approval_requests", """
        kind             str(20)
        requester        email
        state            str(20)
        step             int
        steps            json
        details          json
        history          json
        thread           json
        question         text?
        question_by      email?
        question_at      utc?
        created_at       utc
        step_started_at  utc
        decided_by       email?
        decided_at       utc?
        reason           text?
        """,
        indexes={"ix_approval_requests_requester": ["requester"], "ix_approval_requests_state": ["state"]},
    )
    create_table("social_accounts", """
        request_id       int?
        platform         str(40)
        name             str(200)
        service_area     str(200)
        kind             str(20)
        owner            email
        manager          email?
        monitored_hours  str(300)
        state            str(20)
        created_at       utc
        last_review_at   utc?
        reviewed_by      email?
        onboarded_at     utc?
        """,
        indexes={"ix_social_accounts_owner": ["owner"], "ix_social_accounts_platform_name": ["platform", "name"]},
    )
    create_table("account_tasks", """
        account_id  int
        kind        str(30)
        assignee    email
        because_of  email
        created_at  utc
        created_by  email
        done_at     utc?
        done_by     email?
        """,
        foreign=(("account_id", "social_accounts.id", "CASCADE"),),
        unique=(("account_id", "kind", "assignee", "because_of"),),
        indexes={"ix_account_tasks_account_id": ["account_id"], "ix_account_tasks_assignee": ["assignee"]},
    )
    create_table("approval_cards", """
        request_id  int
        step        int
        platform    str(10)
        channel     str(200)
        message_id  str(200)
        audience    str(20)
        created_at  utc
        """,
        foreign=(("request_id", "approval_requests.id", "CASCADE"),),
        indexes={"ix_approval_cards_request_id": ["request_id"]},
    )
    create_table("onboarding_items", """
        account_id  int
        key         str(40)
        done_at     utc?
        done_by     email?
        """,
        foreign=(("account_id", "social_accounts.id", "CASCADE"),),
        unique=(("account_id", "key"),),
        indexes={"ix_onboarding_items_account_id": ["account_id"]},
    )
    create_table("social_account_admins", """
        account_id  int
        email       email
        added_at    utc
        removed_at  utc?
        removed_by  email?
        """,
        foreign=(("account_id", "social_accounts.id", "CASCADE"),),
        unique=(("account_id", "email"),),
        indexes={"ix_social_account_admins_account_id": ["account_id"], "ix_social_account_admins_email": ["email"]},
    )


def downgrade() -> None:
    drop_table("social_account_admins")
    drop_table("onboarding_items")
    drop_table("approval_cards")
    drop_table("account_tasks")
    drop_table("social_accounts")
    drop_table("approval_requests")
