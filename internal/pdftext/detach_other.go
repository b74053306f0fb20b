//go:build !unix

package pdftext

import "syscall"

// detached: elsewhere the child outlives its parent as it is.
func detached() *syscall.SysProcAttr { return nil }
