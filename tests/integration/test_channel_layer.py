"""The production channel layer against a real Redis: one reader per process for its consumers' channels."""

import asyncio

import pytest

from config.channel_layers import RedisChannelLayer

from .conftest import require_env


@pytest.mark.asyncio
async def test_a_waiting_socket_costs_no_task_of_its_own_and_every_one_hears_the_group():
    layer = RedisChannelLayer(hosts=[{"address": require_env("VERKOSTAMO_TEST_REDIS_URL", "Redis")}], prefix="it-layer")
    channels = [await layer.new_channel() for _ in range(60)]
    for channel in channels:
        await layer.group_add("everyone", channel)
    tasks_before = len(asyncio.all_tasks())
    receives = [asyncio.ensure_future(layer.receive(channel)) for channel in channels]
    await asyncio.sleep(0.2)
    # The receives themselves and one reader: channels-redis made two more tasks per waiting receive.
    assert len(asyncio.all_tasks()) - tasks_before <= len(channels) + 2

    await layer.group_send("everyone", {"type": "hello", "text": "hei"})
    messages = await asyncio.wait_for(asyncio.gather(*receives), timeout=10)
    assert [message["text"] for message in messages] == ["hei"] * len(channels)
    assert layer.receive_buffer == {}  # drained buffers are not kept

    # The consumers go: their receives are cancelled, and so is the reader with the last of them.
    waiting = [asyncio.ensure_future(layer.receive(channel)) for channel in channels]
    await asyncio.sleep(0.1)
    for receive in waiting:
        receive.cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    assert layer.readers == {}
    await layer.group_send("everyone", {"type": "hello", "text": "taas"})
    # What arrived meanwhile waits in Redis for the next receive.
    assert (await asyncio.wait_for(layer.receive(channels[0]), timeout=10))["text"] == "taas"
    for reader in layer.readers.values():
        reader.cancel()
    await layer.flush()
