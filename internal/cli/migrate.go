package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/service"
)

type migrateOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdMigrate(f *Factory, runF func(context.Context, *migrateOptions) error) *cobra.Command {
	o := &migrateOptions{f: f}
	c := &cobra.Command{
		Use:   "migrate",
		Short: "Create or update the database schema",
		Long: `Creates or updates the schema of the configured database. Every command does this on the
SQLite file by itself; run it once for a shared Postgres database before its users do.`,
		Example: examples("opus migrate --db postgres://opus@db.example.org/opus", "OPUS_DB=sqlite:/data/opus.db opus migrate"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, migrateRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func migrateRun(ctx context.Context, o *migrateOptions) error {
	st, err := o.f.Settings(nil)
	if err != nil {
		return err
	}
	dialect, err := service.Migrate(ctx, st.dbURL())
	if err != nil {
		return err
	}
	return o.f.render(o.Export, map[string]any{"dialect": dialect, "up_to_date": true}, func(w io.Writer) {
		fmt.Fprintf(w, "database schema is up to date (%s)\n", dialect)
	})
}
