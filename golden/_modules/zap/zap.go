// Package zap is a stand-in for go.uber.org/zap with the few declarations the goldens use
// (written for these tests): Panic and Fatal never return, DPanic panics only in development.
package zap

import (
	"fmt"
	"os"
)

// Field is one key and value of a log entry.
type Field struct {
	Key   string
	Value any
}

// Error makes the field "error".
func Error(err error) Field { return Field{Key: "error", Value: err} }

// Logger writes structured entries.
type Logger struct{ development bool }

// NewNop returns a logger that writes nothing.
func NewNop() *Logger { return &Logger{} }

func (l *Logger) write(msg string, fields []Field) { _, _ = msg, fields }

// Info writes an entry at info level.
func (l *Logger) Info(msg string, fields ...Field) { l.write(msg, fields) }

// DPanic writes the entry, then panics only in development mode.
func (l *Logger) DPanic(msg string, fields ...Field) {
	l.write(msg, fields)
	if l.development {
		panic(msg)
	}
}

// Panic writes the entry, then panics.
func (l *Logger) Panic(msg string, fields ...Field) {
	l.write(msg, fields)
	panic(msg)
}

// Fatal writes the entry, then exits the process.
func (l *Logger) Fatal(msg string, fields ...Field) {
	l.write(msg, fields)
	os.Exit(1)
}

// Sugar returns the printf-style logger over l.
func (l *Logger) Sugar() *SugaredLogger { return &SugaredLogger{base: l} }

// SugaredLogger formats its messages.
type SugaredLogger struct{ base *Logger }

// Panicf writes the formatted entry, then panics.
func (s *SugaredLogger) Panicf(format string, args ...any) { s.base.Panic(fmt.Sprintf(format, args...)) }
