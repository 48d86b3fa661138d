"""Sections of the admin pages (账户管理, 使用留痕) and their callbacks."""
