package board

import (
	"errors"
	"fmt"
)

// Code is one of the protocol's error codes. The same code travels in an
// `error` message on a socket and picks the HTTP status of an API answer.
type Code string

// The protocol's error codes.
const (
	CodeBadRequest  Code = "bad_request"
	CodeForbidden   Code = "forbidden"
	CodeNotFound    Code = "not_found"
	CodeTooLarge    Code = "too_large"
	CodeRateLimited Code = "rate_limited"
	CodeGone        Code = "gone"
	CodeUnavailable Code = "unavailable"
	CodeInternal    Code = "internal"
	// CodeUnsupported is an upload that is not an image of an allowed,
	// declared type (HTTP 415); only blob uploads answer it.
	CodeUnsupported Code = "unsupported_media_type"
)

// Error is a failure a client can be told about: a code and a sentence.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is returned by stores for an unknown board.
var ErrNotFound = &Error{Code: CodeNotFound, Message: "no such board"}

// ErrorCode finds the protocol code of err; errors that are not *Error are
// internal, and their text is not for clients.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ClientMessage is the sentence a client may see for err. Internal errors are
// not described, so server details do not leak.
func ClientMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
