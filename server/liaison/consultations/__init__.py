"""Draft-law consultations (立法意见征集): drafts split into articles, comments, moderation, exports."""
