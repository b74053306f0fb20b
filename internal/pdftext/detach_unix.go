//go:build unix

package pdftext

import "syscall"

// detached puts the background compile in a session of its own: Ctrl-C at
// the terminal or the end of the command that started it does not stop it.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
