"""What a correct article is: the schema (`schema`, with its `quickvalid` proof for the common case),
the corpus rules with their codes and severities (`rules`) and the `Problem` they report (`problems`)."""
