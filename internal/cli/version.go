package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Stamped by release builds (.goreleaser.yaml ldflags); empty otherwise,
// when the build's own information is used.
var (
	Version string
	Commit  string
	Date    string
)

// BuildInfo is what 'opus version' reports.
type BuildInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

// buildInfo reads the release stamp, else the module version and the
// version control settings Go records in every binary built from a checkout.
func buildInfo() BuildInfo {
	b := BuildInfo{Version: Version, Commit: Commit, Date: Date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" || b.Version == "(devel)" {
		b.Version = "devel"
	}
	return b
}

func (b BuildInfo) String() string {
	s := "opus " + b.Version
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if b.Modified {
			c += "+changes"
		}
		s += " (" + c
		if b.Date != "" {
			s += ", " + b.Date
		}
		s += ")"
	}
	return s + fmt.Sprintf(" %s %s", b.GoVersion, b.Platform)
}

type versionOptions struct {
	f      *Factory
	Export exportFlags
}

func newCmdVersion(f *Factory, runF func(context.Context, *versionOptions) error) *cobra.Command {
	o := &versionOptions{f: f}
	c := &cobra.Command{
		Use:     "version",
		Short:   "Print opus's version, commit, build date and Go version",
		Args:    exactArgs(0),
		Example: examples("opus version", "opus version --json", "opus --version"),
		RunE: func(c *cobra.Command, _ []string) error {
			return dispatch(c, o, runF, versionRun)
		},
	}
	addExportFlags(c, &o.Export)
	return c
}

func versionRun(_ context.Context, o *versionOptions) error {
	b := buildInfo()
	return o.f.render(o.Export, b, func(w io.Writer) { fmt.Fprintln(w, b.String()) })
}
