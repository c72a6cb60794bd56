"""Request and response schemas, named by role (`PartyCreate`, `AchievementPublic`, ...)."""
