// Package opus embeds the files that live at the top of the repository
// (the schema, migrations and prompts) so the binary carries them. It
// imports nothing else, so any package may use it.
package opus

import "embed"

// Schema is version 1 of the database schema.
//
//go:embed schema.sql
var Schema string

// Migrations holds migrations/NNNN_*.sql, applied after Schema.
//
//go:embed migrations
var Migrations embed.FS

// Prompts holds the agents' prompt templates.
//
//go:embed prompts
var Prompts embed.FS
