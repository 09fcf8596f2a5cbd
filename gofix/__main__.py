from gofix.cli import main

main()
