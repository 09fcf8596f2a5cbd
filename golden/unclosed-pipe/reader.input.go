package p

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
)

type record struct{ Name string }

func first(path string) (record, error) {
	pr, pw := io.Pipe() // want "can return [(]line 27[)] before reading pr to EOF and never closes it"
	go func() {
		f, err := os.Open(path)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		defer f.Close()
		_, err = io.Copy(pw, f)
		pw.CloseWithError(err)
	}()
	var r record
	if err := json.NewDecoder(pr).Decode(&r); err != nil {
		return r, err
	}
	if r.Name == "" {
		return r, errors.New("no name")
	}
	return r, nil
}

// The scanner wrapping the pipe is returned: no fix.
func lines(src io.Reader) (*bufio.Scanner, error) {
	pr, pw := io.Pipe() // want "before reading pr to EOF .* [(]no automatic fix: `sc` is returned"
	go func() {
		_, err := io.Copy(pw, src)
		pw.CloseWithError(err)
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		return nil, errors.New("empty")
	}
	return sc, nil
}
