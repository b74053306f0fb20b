package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
)

func (a *app) profileCmd() *cobra.Command {
	c := &cobra.Command{Use: "profile", Short: "Local tenants: each profile sees only its own data"}
	c.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List profiles (* marks the current one)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			owners, err := a.svc.Profiles(cmd.Context())
			if err != nil {
				return err
			}
			type row struct {
				Name    string `json:"name"`
				Current bool   `json:"current"`
			}
			var out []row
			for _, o := range owners {
				out = append(out, row{o.Name, o.ID == a.actor.OwnerID})
			}
			if a.json {
				return a.printJSON(out)
			}
			for _, r := range out {
				mark := " "
				if r.Current {
					mark = "*"
				}
				fmt.Fprintf(a.io.Out, "%s %s\n", mark, safe(r.Name))
			}
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "add NAME",
		Short: "Create a profile",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.openService(cmd.Context()); err != nil {
				return err
			}
			o, err := a.svc.AddProfile(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(map[string]any{"name": o.Name, "created": true})
			}
			fmt.Fprintf(a.io.Out, "created profile %s (use it with --profile %s or 'opus profile use %s')\n", o.Name, o.Name, o.Name)
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "use NAME",
		Short: "Make a profile the default for later commands",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.openService(cmd.Context()); err != nil {
				return err
			}
			o, err := a.svc.Profile(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if err := os.WriteFile(a.settings.currentProfileFile(), []byte(o.Name+"\n"), 0o600); err != nil {
				return domain.Errorf(domain.Unavailable, "cannot save the current profile: %v", err)
			}
			if a.json {
				return a.printJSON(map[string]any{"name": o.Name, "current": true})
			}
			fmt.Fprintf(a.io.Out, "now using profile %s\n", o.Name)
			return nil
		},
	})
	return groupCommand(c)
}

func (a *app) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or update the database schema (e.g. opus migrate --db postgres://…)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.loadSettings()
			if err != nil {
				return err
			}
			db, err := store.Open(cmd.Context(), st.dbURL())
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintf(a.io.Out, "database schema is up to date (%s)\n", db.Dialect)
			return nil
		},
	}
}
