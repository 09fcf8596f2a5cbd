// gofix-test: modules=grpc
package p

import "fmt"

// The file does not import context: the fix adds it.
func show(c WatcherClient) error {
	s, err := c.Watch(Base(), &WatchRequest{}) // want "c.Watch can be left undrained"
	if err != nil {
		return err
	}
	ev, err := s.Recv()
	if err != nil {
		return err
	}
	fmt.Println(ev.Key)
	return nil
}
