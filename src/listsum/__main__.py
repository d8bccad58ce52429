from listsum.cli import main

main()
