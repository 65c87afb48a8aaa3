package main

import (
	"bytes"
	"os"
	"testing"
)

// The committed data and fixture are what the generator writes from the
// go-text version in go.mod: after an upgrade of the library, run
// go run ./cmd/gen-linebreak so the client breaks lines as the exports do.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := outputs()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile("../../" + path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go run ./cmd/gen-linebreak", path)
		}
	}
}

// Every code point has a known class, and the data covers them all.
func TestSpansCoverUnicode(t *testing.T) {
	sp := spans()
	if sp[0].start != 0 {
		t.Fatalf("first span starts at %#x", sp[0].start)
	}
	for i, s := range sp {
		if c := s.value & (1<<flagShift - 1); c >= len(classNames) {
			t.Fatalf("span %d has class %d", i, c)
		}
		if i > 0 && s.start <= sp[i-1].start {
			t.Fatalf("span %d starts at %#x, after %#x", i, s.start, sp[i-1].start)
		}
	}
	if want := classNames[value(0x3002)&(1<<flagShift-1)]; want != "CL" {
		t.Errorf("。 is %s", want)
	}
}
