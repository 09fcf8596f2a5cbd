// gofix-test: option=time-after-in-loop.style=context
package p

import (
	"errors"
	"fmt"
	"time"
)

func first(in <-chan string, limit int) error {
	for i := 0; i < limit; i++ {
		select {
		case s := <-in:
			fmt.Println(s)
		case <-time.After(1e9): // want "time.After"
			return errors.New("timeout")
		}
	}
	return nil
}
