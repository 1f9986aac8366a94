import argparse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--queues", default="default")
    print("worker for", parser.parse_args().queues)


if __name__ == "__main__":
    main()
