"""What the pages share that reads the store: the page scaffold, and the
shell's and the payment grid's data callbacks. The router skips this package
(its name starts with an underscore); pages import it."""
