// Package progress draws progress bars for long operator commands, and only
// when a person is watching: in CI logs and pipes a bar is noise.
package progress

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar counts work done. The zero value of a disabled bar is safe to use.
type Bar struct {
	bar *progressbar.ProgressBar
}

// New returns a bar on stderr for total units (-1 when unknown, e.g. bytes
// of a stream of unknown length), or a silent one when stderr is not a
// terminal.
func New(total int64, description string) *Bar {
	if !term.IsTerminal(int(os.Stderr.Fd())) {
		return &Bar{}
	}
	return &Bar{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)}
}

// Add records n more units done.
func (b *Bar) Add(n int) {
	if b.bar != nil {
		_ = b.bar.Add(n)
	}
}

// Finish clears the bar.
func (b *Bar) Finish() {
	if b.bar != nil {
		_ = b.bar.Finish()
	}
}

// Reader wraps r so that bytes read advance the bar; total is the stream's
// size in bytes.
func (b *Bar) Reader(r io.Reader) io.Reader {
	if b.bar == nil {
		return r
	}
	pr := progressbar.NewReader(r, b.bar)
	return &pr
}
