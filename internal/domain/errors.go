// Package domain holds opus's entities, their states and its one error type.
// It depends on nothing else in opus; every other package speaks its words.
package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error for the CLI's exit codes and the API's statuses.
type Code string

const (
	Invalid     Code = "invalid"      // bad input: spec, file, flag
	NotFound    Code = "not_found"    // unknown handle (or another owner's)
	Conflict    Code = "conflict"     // the state does not allow the operation
	NotVerified Code = "not_verified" // a paragraph's text was asked for before it was verified
	Unavailable Code = "unavailable"  // provider or database unreachable
	// Unauthenticated: no valid credentials — a wrong email or password, or
	// a token that is unknown, expired, revoked or of a disabled account
	// (one message for all, so it tells no one which).
	Unauthenticated Code = "unauthenticated"
	// RateLimited: too many attempts; the cause says when to retry.
	RateLimited Code = "rate_limited"
	Cancelled   Code = "cancelled"
	Internal    Code = "internal"
)

// Error is an error meant for the user: Message is one line saying what is
// wrong and what to do.
type Error struct {
	Code    Code
	Message string
	Err     error // the cause, for logs; never shown to users
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error. The message is kept to one line whatever the
// arguments hold (library errors often span several).
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: oneLine(fmt.Sprintf(format, args...))}
}

// Wrap attaches a user-facing message to a cause.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: oneLine(fmt.Sprintf(format, args...)), Err: err}
}

// ErrorCode reports the code of err; errors that are not *Error are Internal.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage is what a user may see of err: the message of an *Error, or a
// generic line for anything else (raw database or library errors stay in logs).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error: " + oneLine(err.Error())
}

// oneLine joins the lines of s with "; ".
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var parts []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, strings.TrimSuffix(l, ":"))
		}
	}
	return strings.Join(parts, "; ")
}
