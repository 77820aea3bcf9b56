//go:build unix

package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestTracingOutputNotARegularFile: an output that is a pipe or a device
// (/dev/null) is written to, never renamed over (as root, renaming over
// /dev/null replaced the device with a file); a directory is refused.
func TestTracingOutputNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("SKIPPED: no named pipes here: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"tracing", "generate", "--people", "20", "--out", fifo, "--seed", "2"}, &stderr); code != 0 {
		t.Fatalf("generate to a pipe: exit %d: %s", code, stderr.String())
	}
	if out := <-got; !strings.HasPrefix(out, "id,given_names,") || strings.Count(out, "\n") < 21 {
		t.Errorf("the pipe read %q", out)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}

	stderr.Reset()
	if code := run(context.Background(), []string{"tracing", "generate", "--people", "20", "--out", dir}, &stderr); code != 1 || !strings.Contains(stderr.String(), "is a directory") {
		t.Errorf("generate to a directory: exit %d: %s", code, stderr.String())
	}
}

func TestTracingGenerateBounded(t *testing.T) {
	var stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "p.csv")
	if code := run(context.Background(), []string{"tracing", "generate", "--people", "1000000000000", "--out", out}, &stderr); code != 2 || !strings.Contains(stderr.String(), "at most 10000000 people") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused run wrote %s (%v)", out, err)
	}
}
