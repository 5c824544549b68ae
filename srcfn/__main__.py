from srcfn.cli import main

main()
