"""Between visits: the job queue, the follow-up schedule (questionnaires, reminders,
appointment reminders, booster invitations), discharge and booster detection."""
