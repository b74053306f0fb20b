package cli

import (
	"fmt"
	"os"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
	"github.com/opusblocks/opus/internal/store"
)

var profileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func (a *app) profileCmd() *cobra.Command {
	c := &cobra.Command{Use: "profile", Short: "Local tenants: each profile sees only its own data"}
	c.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List profiles (* marks the current one)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			owners, err := a.svc.DB.Owners(cmd.Context(), "profile")
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
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !profileName.MatchString(args[0]) {
				return domain.Errorf(domain.Invalid, "profile name %q: use letters, digits, '.', '_' or '-' (at most 64)", args[0])
			}
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			if _, err := a.svc.DB.FindOwner(cmd.Context(), "profile", args[0]); err == nil {
				return domain.Errorf(domain.Conflict, "profile %q already exists", args[0])
			}
			if _, err := a.svc.DB.EnsureOwner(cmd.Context(), "profile", args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.io.Out, "created profile %s (use it with --profile %s or 'opus profile use %s')\n", args[0], args[0], args[0])
			return nil
		},
	})
	c.AddCommand(&cobra.Command{
		Use:   "use NAME",
		Short: "Make a profile the default for later commands",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.open(cmd.Context()); err != nil {
				return err
			}
			if _, err := a.svc.DB.FindOwner(cmd.Context(), "profile", args[0]); err != nil {
				return domain.Errorf(domain.NotFound, "profile %q does not exist; create it with 'opus profile add %s'", args[0], args[0])
			}
			if err := os.WriteFile(a.settings.currentProfileFile(), []byte(args[0]+"\n"), 0o600); err != nil {
				return domain.Errorf(domain.Unavailable, "cannot save the current profile: %v", err)
			}
			fmt.Fprintf(a.io.Out, "now using profile %s\n", args[0])
			return nil
		},
	})
	return c
}

func (a *app) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or update the database schema (e.g. opus migrate --db postgres://…)",
		Args:  cobra.NoArgs,
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
