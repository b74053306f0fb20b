package cli

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/opusblocks/opus/internal/domain"
)

type jobsListOptions struct {
	f      *Factory
	Limit  int
	Export exportFlags
}

func newCmdJobsList(f *Factory, runF func(context.Context, *jobsListOptions) error) *cobra.Command {
	o := &jobsListOptions{f: f}
	c := &cobra.Command{
		Use:     "list",
		Short:   "List recent jobs",
		Example: examples("opus jobs list", "opus jobs list --limit 5", "opus jobs list --jq '.[] | select(.state == \"failed\") | .id'"),
		Args:    exactArgs(0),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, jobsListRun)
		},
	}
	c.Flags().IntVar(&o.Limit, "limit", 50, "at most this many jobs")
	addExportFlags(c, &o.Export)
	return c
}

func jobsListRun(ctx context.Context, o *jobsListOptions) error {
	svc, actor, err := o.f.Open(ctx)
	if err != nil {
		return err
	}
	js, err := svc.Jobs(ctx, actor, o.Limit)
	if err != nil {
		return err
	}
	if js == nil {
		js = []domain.Job{}
	}
	return o.f.render(o.Export, js, func(w io.Writer) {
		rows := make([][]string, len(js))
		for i, j := range js {
			rows[i] = []string{j.Handle, j.Kind, j.Target, state(j.State), strconv.Itoa(j.Attempt) + "/" + strconv.Itoa(j.MaxAttempts), truncate(domain.Deref(j.Error), 60)}
		}
		table(w, []string{"ID", "KIND", "TARGET", "STATE", "ATTEMPT", "ERROR"}, rows)
	})
}
