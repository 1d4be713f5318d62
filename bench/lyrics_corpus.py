"""The lyrics the engine's words-heard benchmark (bench/engine_words.py) sings: fixed before any tuning.

Sixteen lyrics of 4 to 10 lines, varied on purpose: short and long lines, words of one to four
syllables, consonant clusters ("strengths", "twelfths"), names, numbers, contractions and repeated
choruses. None of them was used to tune the engine; do not tune on a subset and report on all of it.
Changing a lyric here starts a new series of figures: say so in docs/engine.md.
"""

CORPUS = {
    "short lines": """Rain falls
Streets glow
Hold on
Don't go""",
    "long lines": """I have been driving all night through the valley with the windows rolled down
Every radio station is playing the songs that we used to sing in the summer
When the morning arrives I will call you and tell you the river was higher than ever
And you will laugh and remember the bridge where we waited for hours in the rain""",
    "one syllable words": """The sun came up and the dog ran out
We all sat down by the old red barn
My mom said come and eat your bread
I took the key and locked the door
Then the sky went dark and the wind blew cold""",
    "long words": """Everybody celebrated underneath the decorated ceiling
Unbelievable memories accumulated every January
Electricity and poetry illuminated February
Particularly beautiful, the melody was literally healing""",
    "clusters": """Her strengths are the twelfths of a song nobody sings
He glimpsed the crisp frost on the shelves of the depths
The sixths and the fifths of the scripts were all stretched
She texts through the months and the thoughts that it brings""",
    "names": """Maria left for Lisbon on a Tuesday afternoon
Daniel stayed in Glasgow with a guitar out of tune
Oh Maria, Oh Daniel
Meet me in Chicago by the lake in June
Oh Maria, Oh Daniel""",
    "numbers": """Twenty one candles burning on the cake
Seven in the morning and I'm still awake
Nineteen ninety nine was the year we met
Four hundred miles and I'm not home yet
One two three four, count them on the floor""",
    "contractions": """I'm not sure if you're still there
We've been lost but I don't care
You'll be fine and I'll be too
It's the thing that we can't undo
Wouldn't you say that we're almost through""",
    "chorus twice": """Walking down the avenue alone
Counting all the windows of my home
Light me up, light me up tonight
Hold me close until the morning light

Talking to the shadows on the wall
Waiting for a voice that doesn't call
Light me up, light me up tonight
Hold me close until the morning light""",
    "ten lines": """Early in the morning when the kettle starts to sing
I open up the window and I hear the church bells ring
The baker on the corner has the oven burning bright
The children run to school before the clock strikes eight
A bus goes rolling by with all the faces in a row
The man who sells the papers shouts the news I'll never know
By noon the square is busy and the pigeons take the bread
By evening all the lanterns glow in orange and in red
And when the night is quiet and the streets have gone to sleep
I count the stars above the roofs, the promises I keep""",
    "questions": """Where did you go when the lights went out
What did you find that you were looking for
Why do you smile when you want to shout
Who will be waiting when you reach the shore""",
    "nature": """Mountains rising over silver water
Pine trees whisper to the falling snow
Eagles circle where the sky grows colder
Rivers carry everything they know
Far below the valley wakes in amber""",
    "city": """Neon signs are flashing on the boulevard
Taxi drivers honking at the traffic light
Subway trains are rumbling underneath the yard
Everybody's hurrying into the night""",
    "repeated words": """Run, run, run away
Stay, stay, stay today
Never never let me go
Slow, slow, take it slow
Run, run, run away
Stay, stay, stay today""",
    "mixed lengths": """Home
I'm coming home across the water and the wide open plain
Home
Where the porch light's always burning and the roses drink the rain
Home, sweet home
Nothing in the world will ever feel the same""",
    "story": """Old John built a boat from a broken door
He sailed it out past the harbour wall
The fishermen laughed from the sandy shore
But the boat held fast through the autumn squall
He came back home with a net of gold
And a story that he always told""",
}
