package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestAfterCommit(t *testing.T) {
	errFail := errors.New("fail")
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var ran []string
		// note registers a function that records name when it runs, and
		// checks that by then the row the transaction wrote is there to
		// be read from outside it.
		note := func(ctx context.Context, name string) {
			store.AfterCommit(ctx, func() {
				var n int
				if err := db.SQL().QueryRowContext(context.Background(), db.Rebind(`SELECT COUNT(*) FROM meta WHERE key = ?`), name).Scan(&n); err != nil {
					t.Errorf("%s: %v", name, err)
				}
				if store.InTx(ctx) && n != 1 {
					t.Errorf("%s ran before its row was committed", name)
				}
				ran = append(ran, name)
			})
		}
		write := func(ctx context.Context, name string) error {
			_, err := db.Exec(ctx, `INSERT INTO meta (key, value) VALUES (?, 'x')`, name)
			return err
		}
		tests := []struct {
			name    string
			run     func(ctx context.Context) error // what the test does
			want    []string                        // ran once run has returned
			wantErr error
		}{
			{"no transaction: at once", func(ctx context.Context) error {
				note(ctx, "a")
				if !slices.Equal(ran, []string{"a"}) {
					t.Errorf("without a transaction, not run at once: %v", ran)
				}
				return nil
			}, []string{"a"}, nil},
			{"after the commit, in order", func(ctx context.Context) error {
				return db.WithTx(ctx, func(ctx context.Context) error {
					for _, n := range []string{"b1", "b2"} {
						if err := write(ctx, n); err != nil {
							return err
						}
						note(ctx, n)
					}
					if len(ran) > 0 {
						t.Errorf("run before the commit: %v", ran)
					}
					return nil
				})
			}, []string{"b1", "b2"}, nil},
			{"nested: after the outermost commit only", func(ctx context.Context) error {
				return db.WithTx(ctx, func(ctx context.Context) error {
					if err := db.WithTx(ctx, func(ctx context.Context) error {
						if err := write(ctx, "c"); err != nil {
							return err
						}
						note(ctx, "c")
						return nil
					}); err != nil {
						return err
					}
					if len(ran) > 0 {
						t.Errorf("run when the inner WithTx returned: %v", ran)
					}
					return nil
				})
			}, []string{"c"}, nil},
			{"rolled back: never", func(ctx context.Context) error {
				return db.WithTx(ctx, func(ctx context.Context) error {
					if err := write(ctx, "d"); err != nil {
						return err
					}
					note(ctx, "d")
					return errFail
				})
			}, nil, errFail},
			{"inner error rolls the outer back: never", func(ctx context.Context) error {
				return db.WithTx(ctx, func(ctx context.Context) error {
					note(ctx, "e1")
					return db.WithTx(ctx, func(ctx context.Context) error {
						note(ctx, "e2")
						return errFail
					})
				})
			}, nil, errFail},
			{"panic: never", func(ctx context.Context) (err error) {
				defer func() {
					if recover() == nil {
						t.Error("the panic was swallowed")
					}
					err = errFail
				}()
				return db.WithTx(ctx, func(ctx context.Context) error {
					note(ctx, "f")
					panic("boom")
				})
			}, nil, errFail},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ran = nil
				if err := tt.run(context.Background()); !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
				if !slices.Equal(ran, tt.want) {
					t.Errorf("ran %v, want %v", ran, tt.want)
				}
			})
		}
	})
}
