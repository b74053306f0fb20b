package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type profileListOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdProfileList(f *Factory, runF func(context.Context, *profileListOptions) error) *cobra.Command {
	o := &profileListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List profiles (* marks the current one)",
		Example: examples("opus profile list", "opus profile list --jq '.[] | select(.current) | .name'"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, profileListRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

// profileRow is one line of profile list.
type profileRow struct {
	Name    string `json:"name"`
	Current bool   `json:"current"`
}

func profileListRun(ctx context.Context, o *profileListOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	owners, err := svc.Profiles(ctx)
	if err != nil {
		return err
	}
	out := []profileRow{}
	for _, p := range owners {
		out = append(out, profileRow{p.Name, p.ID == actor.OwnerID})
	}
	return o.f.render(o.Export, out, func(w io.Writer) {
		for _, r := range out {
			mark := " "
			if r.Current {
				mark = "*"
			}
			fmt.Fprintf(w, "%s %s\n", mark, safe(r.Name))
		}
	})
}
