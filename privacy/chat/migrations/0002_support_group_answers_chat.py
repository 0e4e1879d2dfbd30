"""Support answers live chats (chat.answer_chat) and edits canned replies; a few
canned replies to start from (staff edit them in the admin)."""

from django.db import migrations

GRANTS = {
    "Support": [
        "answer_chat",
        "view_chat",
        "view_cannedreply",
        "add_cannedreply",
        "change_cannedreply",
    ],
}
CANNED = [
    ("Greeting", "Hello, thank you for waiting. How can I help you today?"),
    (
        "Change of personal information",
        "I can change that for you. To protect your account, I will confirm the change "
        "by email to the address we have on file.",
    ),
    (
        "Copy of your data",
        "You can download a copy of everything we hold from My data when signed in, or "
        "we can send it to you: I have noted your request on this ticket.",
    ),
    ("Anything else?", "Is there anything else I can help you with?"),
    ("Goodbye", "Thank you for chatting with us. Have a good day!"),
]


def forwards(apps, schema_editor):
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("chat")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="chat", codename__in=codenames)
        )
    CannedReply = apps.get_model("chat", "CannedReply")
    if not CannedReply.objects.exists():
        CannedReply.objects.bulk_create(
            CannedReply(title=title, body=body, position=i) for i, (title, body) in enumerate(CANNED)
        )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="chat", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_chat_canned_replies_presence"),
        ("retailers", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
