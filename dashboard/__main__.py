from dashboard.app import main

main()
